/**
 * The workspaces in tab order, each loaded on first use so the one-map start page does not pay
 * for charts and analysis tools it does not show.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Localized } from '../catalog-document.ts';
import type { WorkspaceId } from './workspace-ids.ts';
import type { WorkspaceProps } from './workspace-props.ts';

export interface WorkspaceEntry {
  readonly id: WorkspaceId;
  readonly title: Localized;
  readonly component: LazyExoticComponent<ComponentType<WorkspaceProps>>;
}

export const WORKSPACES: readonly WorkspaceEntry[] = [
  { id: 'imagery', title: { zh: '影像', en: 'Imagery' }, component: lazy(() => import('./imagery/index.tsx')) },
  { id: 'water', title: { zh: '水利', en: 'Water' }, component: lazy(() => import('./water/index.tsx')) },
  { id: 'pipes', title: { zh: '管线', en: 'Pipelines' }, component: lazy(() => import('./pipes/index.tsx')) },
  { id: 'planning', title: { zh: '规划', en: 'Planning' }, component: lazy(() => import('./planning/index.tsx')) },
  { id: 'city', title: { zh: '城管', en: 'City' }, component: lazy(() => import('./city/index.tsx')) },
];

export function workspaceEntry(id: WorkspaceId): WorkspaceEntry | undefined {
  return WORKSPACES.find((w) => w.id === id);
}
