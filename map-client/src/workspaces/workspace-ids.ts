/**
 * The thematic workspaces (专题工作台) and the shape of their URL parameters. Kept apart from the
 * registry (which imports React components lazily) so the pure state and URL code can use it.
 */
export const WORKSPACE_IDS = ['imagery', 'water', 'pipes', 'planning', 'city'] as const;

export type WorkspaceId = (typeof WORKSPACE_IDS)[number];

export function isWorkspaceId(value: string): value is WorkspaceId {
  return (WORKSPACE_IDS as readonly string[]).includes(value);
}

/** `<workspace>.<name>`: the workspace prefix keeps parameters of different workspaces apart. */
const PARAM_KEY = /^([a-z]+)\.[A-Za-z0-9_]{1,40}$/;

export function isWorkspaceParamKey(key: string): boolean {
  const m = PARAM_KEY.exec(key);
  return m !== null && isWorkspaceId(m[1]!);
}
