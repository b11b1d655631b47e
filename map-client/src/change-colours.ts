/** The colours of a change report, shared by the map layer and the legend (#rrggbb). */
import type { ChangeKind } from './change-api.ts';

export const CHANGE_COLOURS: Readonly<Record<ChangeKind, string>> = {
  added: '#1e9e3e',
  removed: '#d62c1f',
  changed: '#f08c00',
};
