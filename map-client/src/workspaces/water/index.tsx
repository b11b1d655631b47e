/** Placeholder until the water workspace lands (replaced wholesale by its owner). */
import type { WorkspaceProps } from '../workspace-props.ts';

export default function Workspace({ lang }: WorkspaceProps) {
  return <p className="workspace-empty">{lang === 'zh' ? '建设中' : 'Under construction'}</p>;
}
