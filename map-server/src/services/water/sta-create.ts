/**
 * SensorThings API 1.1 `CreateObservations` (OGC 18-088 §11.2, dataArray extension) mapped onto
 * the bulk ingest path: every dataArray row becomes one long-form raw row (STCD, ELEMENT, TM,
 * VALUE, INTV) that `validateRows` checks exactly like a JSON or CSV batch, so the batch is
 * idempotent and accepted whole or rejected whole with every bad row named by its JSON pointer.
 * Pure: the reference data is passed in.
 *
 *   [{ "Datastream": {"@iot.id": 12}, "components": ["phenomenonTime", "result"],
 *      "dataArray": [["2024-09-15T08:05:00+08:00", 1.5], …] }, …]
 *
 * phenomenonTime is an instant or, for period totals (DRP), an interval `start/end`: the end is
 * SL 323 TM and the length is checked against the datastream's base interval like INTV.
 */
import type { BatchProblem, IngestReference, RawRow } from './ingest-parse.ts';
import { OBS_ID_FACTOR } from './sta-model.ts';

/** Components we read; the others the standard allows are accepted and ignored. */
const READ = ['phenomenonTime', 'result'] as const;
const IGNORED = new Set(['resultTime', 'resultQuality', 'validTime', 'parameters', 'FeatureOfInterest/id', 'id']);
/** ±HHMM (ISO 8601 basic offset, used in the standard's own example) → ±HH:MM. */
const BASIC_OFFSET = /([+-]\d{2})(\d{2})$/;

function normaliseTime(text: string): string {
  const t = text.trim();
  return /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{4}$/.test(t) ? t.replace(BASIC_OFFSET, '$1:$2') : t;
}

/** Minutes as SL 323 INTV text (HH.NN), so validateRows applies its own interval check. */
function intvText(minutes: number): string {
  return `${Math.floor(minutes / 60)}.${String(minutes % 60).padStart(2, '0')}`;
}

function datastreamId(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const id = (v as Record<string, unknown>)['@iot.id'];
  const n = typeof id === 'number' ? id : typeof id === 'string' && /^\d{1,9}$/.test(id) ? Number(id) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Turns a CreateObservations body into raw rows (numbered 1… across the whole body) and the
 * structural problems (not an array, unknown Datastream, bad components, ragged rows); the
 * caller validates the rows and reports both lists together.
 */
export function createObservationRows(body: unknown, ref: IngestReference): { rows: RawRow[]; problems: BatchProblem[] } {
  if (!Array.isArray(body)) return { rows: [], problems: [{ row: 0, pointer: '', field: '(body)', message: 'CreateObservations takes a JSON array of {Datastream, components, dataArray}' }] };
  const byId = new Map<number, { stcd: string; element: string }>();
  for (const [key, ds] of ref.datastreams) {
    const [stcd, element] = key.split('/') as [string, string];
    byId.set(ds.id, { stcd, element });
  }
  const problems: BatchProblem[] = [];
  const rows: RawRow[] = [];
  let row = 0;
  body.forEach((entry, i) => {
    const at = (pointer: string, field: string, message: string, n = 0) => problems.push({ row: n, pointer, field, message });
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      at(`/${i}`, '(entry)', 'each entry must be an object with Datastream, components and dataArray');
      return;
    }
    const e = entry as Record<string, unknown>;
    const id = datastreamId(e['Datastream']);
    const ds = id === undefined ? undefined : byId.get(id);
    const components = e['components'];
    const data = e['dataArray'];
    if (id === undefined) at(`/${i}/Datastream`, 'Datastream', 'Datastream must be {"@iot.id": <id>}');
    else if (!ds) at(`/${i}/Datastream`, 'Datastream', `unknown Datastream(${id})`);
    if (!Array.isArray(components) || !components.every((c) => typeof c === 'string')) {
      at(`/${i}/components`, 'components', 'components must be an array of property names');
      return;
    }
    const unknown = components.filter((c) => !(READ as readonly string[]).includes(c) && !IGNORED.has(c));
    if (unknown.length) at(`/${i}/components`, 'components', `unsupported component(s) ${unknown.join(', ')}; supported: ${[...READ, ...IGNORED].join(', ')}`);
    for (const need of READ) if (!components.includes(need)) at(`/${i}/components`, 'components', `components must include ${need}`);
    if (!Array.isArray(data)) {
      at(`/${i}/dataArray`, 'dataArray', 'dataArray must be an array of rows');
      return;
    }
    const declared = e['dataArray@iot.count'];
    if (declared !== undefined && declared !== data.length) at(`/${i}/dataArray@iot.count`, 'dataArray@iot.count', `dataArray@iot.count is ${String(declared).slice(0, 12)} but dataArray has ${data.length} rows`);
    if (!ds || unknown.length || READ.some((c) => !components.includes(c))) return;
    const tIdx = components.indexOf('phenomenonTime');
    const vIdx = components.indexOf('result');
    data.forEach((cells, j) => {
      row += 1;
      const pointer = `/${i}/dataArray/${j}`;
      if (!Array.isArray(cells) || cells.length !== components.length) {
        at(pointer, '(row)', `each row must be an array of ${components.length} values (${components.join(', ')})`, row);
        return;
      }
      const time = cells[tIdx];
      if (typeof time !== 'string') {
        at(pointer, 'phenomenonTime', 'phenomenonTime must be an ISO 8601 instant or start/end interval', row);
        return;
      }
      const fields = new Map<string, unknown>([
        ['STCD', ds.stcd],
        ['ELEMENT', ds.element],
        ['VALUE', cells[vIdx]],
      ]);
      const slash = time.indexOf('/');
      if (slash < 0) fields.set('TM', normaliseTime(time));
      else {
        const start = Date.parse(normaliseTime(time.slice(0, slash)));
        const end = Date.parse(normaliseTime(time.slice(slash + 1)));
        const minutes = (end - start) / 60_000;
        if (!Number.isFinite(minutes) || minutes <= 0 || !Number.isInteger(minutes) || minutes >= 100 * 60) {
          at(pointer, 'phenomenonTime', `phenomenonTime interval "${time.slice(0, 60)}" must be start/end with a whole number of minutes (< 100 h) between them`, row);
          return;
        }
        fields.set('TM', normaliseTime(time.slice(slash + 1)));
        fields.set('INTV', intvText(minutes));
      }
      rows.push({ row, pointer, fields });
    });
  });
  return { rows, problems };
}

/** Both problem lists in body order: entry-level problems (row 0) first, then by row. */
export function mergeProblems(a: readonly BatchProblem[], b: readonly BatchProblem[]): BatchProblem[] {
  return [...a, ...b].sort((x, y) => x.row - y.row);
}

/** The selfLinks of the observations a batch created (same ids as GET …/Observations). */
export function observationLinks(root: string, datastreamIds: readonly number[], times: readonly string[]): string[] {
  return datastreamIds.map((ds, k) => `${root}/Observations(${BigInt(ds) * OBS_ID_FACTOR + BigInt(Math.floor(Date.parse(times[k]!) / 1000))})`);
}
