/**
 * The URL mirror of the map state. The query string (not the hash) carries it, so a link can be
 * pasted, bookmarked and read by the server's logs:
 *
 *   ?center=121.42000,28.66000&zoom=14.00&layers=water_areas,roads,buildings&opacity=buildings:0.5&lang=zh
 *
 * - `center`  lon,lat in degrees, 5 decimals (≈ 1 m);
 * - `zoom`    view zoom, 2 decimals;
 * - `layers`  visible layer ids in catalogue order; present but empty means "none"; absent means
 *             "each layer's visibleByDefault";
 * - `opacity` id:value pairs for layers whose opacity is not 1 (2 decimals);
 * - `t`       the time cursor as Asia/Shanghai wall time, `2015-06-01T08:00` (seconds and
 *             milliseconds only when not zero); absent means now (shanghai-time.ts);
 * - `tstep`   the playback step (`month`, `day`, `hour`, `10min`); absent means a year;
 * - `lang`    `zh` (default) or `en`;
 * - `ws`      the open workspace (`imagery`, `water`, `pipes`, `planning`, `city`);
 * - `<workspace>.<name>` each workspace's own parameters (e.g. `water.station=70100100`), written in
 *             key order and URL-encoded.
 *
 * Parsing is lenient (a bad value is ignored, never thrown): a hand-edited link should still open.
 */
import type { RestorableState, ViewState } from './app-state.ts';
import { parseLang } from './i18n.ts';
import { formatWallTime, parseWallTime } from './shanghai-time.ts';
import { DEFAULT_PLAY_STEP, isPlayStep, type PlayStep } from './time-cursor.ts';
import { isWorkspaceId, isWorkspaceParamKey } from './workspaces/workspace-ids.ts';

const ID = /^[a-z0-9_]+$/;

/** Reads the restorable state from a query string such as `location.search`. */
export function parseUrlState(search: string): RestorableState {
  const params = new URLSearchParams(search);
  return {
    lang: parseLang(params.get('lang')),
    view: parseView(params.get('center'), params.get('zoom')),
    visibleIds: parseLayerList(params.get('layers')),
    opacity: parseOpacity(params.get('opacity')),
    time: parseWallTime(params.get('t')),
    playStep: parsePlayStep(params.get('tstep')),
    workspace: parseWorkspace(params.get('ws')),
    workspaceParams: parseWorkspaceParams(params),
  };
}

/**
 * Writes the restorable state as a query string (with the leading `?`). Commas and colons are
 * left unescaped, which RFC 3986 allows in a query, so the link stays readable.
 */
export function formatUrlState(state: RestorableState): string {
  const parts: string[] = [];
  if (state.view) {
    parts.push(`center=${state.view.center[0].toFixed(5)},${state.view.center[1].toFixed(5)}`);
    parts.push(`zoom=${state.view.zoom.toFixed(2)}`);
  }
  if (state.visibleIds) parts.push(`layers=${state.visibleIds.join(',')}`);
  const opacity = Object.entries(state.opacity)
    .filter(([, value]) => value !== 1)
    .map(([id, value]) => `${id}:${trimNumber(value.toFixed(2))}`);
  if (opacity.length > 0) parts.push(`opacity=${opacity.join(',')}`);
  if (state.time !== null) parts.push(`t=${formatWallTime(state.time)}`);
  if (state.playStep !== undefined && state.playStep !== DEFAULT_PLAY_STEP) parts.push(`tstep=${state.playStep}`);
  parts.push(`lang=${state.lang}`);
  if (state.workspace) parts.push(`ws=${state.workspace}`);
  for (const key of Object.keys(state.workspaceParams).sort()) {
    parts.push(`${key}=${encodeParamValue(state.workspaceParams[key] ?? '')}`);
  }
  return `?${parts.join('&')}`;
}

function parsePlayStep(value: string | null): PlayStep {
  return value !== null && isPlayStep(value) ? value : DEFAULT_PLAY_STEP;
}

function parseWorkspace(value: string | null) {
  return value !== null && isWorkspaceId(value) ? value : null;
}

function parseWorkspaceParams(params: URLSearchParams): Readonly<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const [key, value] of params) {
    if (isWorkspaceParamKey(key) && value !== '') result[key] = value;
  }
  return result;
}

/** Like encodeURIComponent but keeps `,` `:` readable (RFC 3986 allows them in a query). */
function encodeParamValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

function parseView(center: string | null, zoom: string | null): ViewState | null {
  if (center === null || zoom === null) return null;
  const [lon, lat, extra] = center.split(',').map(Number);
  const z = Number(zoom);
  if (lon === undefined || lat === undefined || extra !== undefined) return null;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || !Number.isFinite(z)) return null;
  if (Math.abs(lon) > 180 || Math.abs(lat) > 85 || z < 0 || z > 24) return null;
  return { center: [lon, lat], zoom: z };
}

function parseLayerList(value: string | null): readonly string[] | null {
  if (value === null) return null;
  return value.split(',').filter((id) => ID.test(id));
}

function parseOpacity(value: string | null): Readonly<Record<string, number>> {
  const opacity: Record<string, number> = {};
  if (!value) return opacity;
  for (const pair of value.split(',')) {
    const [id, raw] = pair.split(':');
    const number = Number(raw);
    if (id && ID.test(id) && raw !== undefined && raw !== '' && Number.isFinite(number)) {
      opacity[id] = Math.min(1, Math.max(0, number));
    }
  }
  return opacity;
}

/** `0.50` → `0.5`, `1.00` → `1`: the shortest text that parses back to the same value. */
function trimNumber(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
