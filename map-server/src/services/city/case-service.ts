/**
 * 案件: report, list, detail, workflow transitions and statistics. The workflow is data
 * (city.case_state, city.case_transition, city.case_time_limit in migration 0076): a transition
 * that is not a row there is refused — 409 when the action exists but not from the case's
 * state, 422 when the action is unknown — with the allowed actions named in both languages.
 */
import type { Pool } from '../../db.ts';
import type pg from 'pg';
import { AppError, BadRequestError, NotFoundError } from '../../errors.ts';

export interface PhotoMeta {
  readonly name: string;
  readonly takenAt?: string;
  readonly lon?: number;
  readonly lat?: number;
  readonly bytes?: number;
  readonly sha256?: string;
}

export interface CaseReport {
  readonly kind: 'event' | 'component';
  readonly classCode: string;
  readonly description: string;
  readonly urgency: 'normal' | 'urgent';
  readonly source: 'inspector' | 'public' | 'hotline' | 'iot' | 'vehicle';
  readonly lon: number | null;
  readonly lat: number | null;
  readonly address: string | null;
  readonly componentCode: string | null;
  /** The status the reporter found the component in (damaged, missing, occupied). */
  readonly componentStatus: string | null;
  readonly photos: readonly PhotoMeta[];
}

export interface CaseTransitionInput {
  readonly action: string;
  readonly department: string | null;
  readonly note: string | null;
  readonly photos: readonly PhotoMeta[];
}

export class IllegalCaseTransitionError extends AppError {
  override readonly name = 'IllegalCaseTransitionError';
}

// A case as a GeoJSON feature, overdue judged at $2.
const CASE_FEATURE = (alias: string) => `json_build_object('type', 'Feature', 'id', ${alias}.case_no, 'geometry', ST_AsGeoJSON(${alias}.geom, 7, 0)::json,
  'properties', json_strip_nulls(json_build_object(
    'case_no', ${alias}.case_no, 'kind', ${alias}.kind, 'class_code', ${alias}.class_code, 'class_name', cc.name_zh, 'urgency', ${alias}.urgency,
    'state', ${alias}.state, 'state_name', cs.name_zh, 'state_name_en', cs.name_en, 'state_color', cs.color, 'source', ${alias}.source,
    'description', ${alias}.description, 'address', ${alias}.address, 'reporter', ${alias}.reporter, 'grid_code', ${alias}.grid_code,
    'street_code', ${alias}.street_code, 'department_code', ${alias}.department_code,
    'department_name', (SELECT d.name_zh FROM city.departments d WHERE d.code = ${alias}.department_code),
    'component_code', (SELECT c.code FROM city.components c WHERE c.id = ${alias}.component_id),
    'reported_at', ${alias}.reported_at, 'filed_at', ${alias}.filed_at, 'dispatched_at', ${alias}.dispatched_at, 'handled_at', ${alias}.handled_at,
    'closed_at', ${alias}.closed_at, 'stage_deadline', ${alias}.stage_deadline, 'handle_deadline', ${alias}.handle_deadline,
    'overdue', NOT cs.terminal AND ${alias}.stage_deadline IS NOT NULL AND ${alias}.stage_deadline < $2::timestamptz,
    'rework_count', ${alias}.rework_count)))`;

const LIST_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'datetime', $2::timestamptz, 'numberMatched', (SELECT count(*) FROM f),
  'features', coalesce((SELECT json_agg(x.doc ORDER BY x.reported_at DESC, x.case_no DESC) FROM (SELECT * FROM f ORDER BY reported_at DESC, case_no DESC LIMIT $1) x), '[]'::json))::text AS doc
  FROM (SELECT 1) one`;

const LIST_FILTER = `
WITH f AS (
  SELECT k.reported_at, k.case_no, ${CASE_FEATURE('k')} AS doc
    FROM city.cases k JOIN city.case_class cc ON cc.kind = k.kind AND cc.code = k.class_code JOIN city.case_state cs ON cs.code = k.state
   WHERE ($3::text[] IS NULL OR k.state = ANY ($3::text[]))
     AND ($4::boolean IS NULL OR (NOT cs.terminal) = $4::boolean)
     AND ($5::boolean IS NULL OR (NOT cs.terminal AND k.stage_deadline IS NOT NULL AND k.stage_deadline < $2::timestamptz) = $5::boolean)
     AND ($6::text IS NULL OR k.grid_code = $6::text)
     AND ($7::text IS NULL OR k.street_code = $7::text)
     AND ($8::text IS NULL OR k.department_code = $8::text)
     AND ($9::text IS NULL OR left(k.class_code, length($9::text)) = $9::text)
     AND ($10::geometry IS NULL OR k.geom && $10::geometry)
     AND k.reported_at <= $2::timestamptz
)`;

const DETAIL_SQL = `
SELECT (${CASE_FEATURE('k')}::jsonb || jsonb_build_object('properties', ${CASE_FEATURE('k')}::jsonb -> 'properties' || jsonb_build_object(
  'photos', k.photos,
  'events', (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('action', e.action, 'from', e.from_state, 'to', e.to_state, 'actor', e.actor,
                     'at', e.at, 'department_code', e.department_code, 'note', e.note, 'photos', e.photos)) ORDER BY e.at, e.id), '[]') FROM city.case_events e WHERE e.case_id = k.id),
  'actions', (SELECT coalesce(jsonb_agg(jsonb_build_object('action', t.action, 'to', t.to_state, 'zh', t.name_zh, 'en', t.name_en,
                     'requires_department', t.requires_department) ORDER BY ts.ord), '[]')
                FROM city.case_transition t JOIN city.case_state ts ON ts.code = t.to_state WHERE t.from_state = k.state))))::text AS doc
  FROM city.cases k JOIN city.case_class cc ON cc.kind = k.kind AND cc.code = k.class_code JOIN city.case_state cs ON cs.code = k.state
 WHERE k.case_no = $1`;

export interface CaseListQuery {
  readonly limit: number;
  readonly atIso: string;
  readonly states: string[] | null;
  readonly open: boolean | null;
  readonly overdue: boolean | null;
  readonly grid: string | null;
  readonly street: string | null;
  readonly department: string | null;
  readonly classPrefix: string | null;
  /** [minLon, minLat, maxLon, maxLat] */
  readonly bbox: readonly number[] | null;
}

export async function listCases(pool: Pool, q: CaseListQuery): Promise<string> {
  const bbox = q.bbox ? `SRID=4490;POLYGON((${q.bbox[0]} ${q.bbox[1]},${q.bbox[2]} ${q.bbox[1]},${q.bbox[2]} ${q.bbox[3]},${q.bbox[0]} ${q.bbox[3]},${q.bbox[0]} ${q.bbox[1]}))` : null;
  const { rows } = await pool.query<{ doc: string }>(LIST_FILTER + LIST_SQL, [
    q.limit, q.atIso, q.states, q.open, q.overdue, q.grid, q.street, q.department, q.classPrefix, bbox,
  ]);
  return rows[0]!.doc;
}

export async function caseDetail(db: Pool | pg.PoolClient, caseNo: string, atIso: string): Promise<string> {
  const { rows } = await db.query<{ doc: string }>(DETAIL_SQL, [caseNo, atIso]);
  if (!rows[0]) throw new NotFoundError('NotFound', `没有案件 ${caseNo} / no case ${caseNo}`);
  return rows[0].doc;
}

async function inTransaction<T>(pool: Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await fn(client);
    await client.query('COMMIT');
    return r;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const REPORT_SQL = `
WITH loc AS (
  SELECT coalesce(ST_SetSRID(ST_MakePoint($6::float8, $7::float8), 4490), (SELECT c.geom FROM city.components c WHERE c.id = $9::bigint)) AS g
), grid AS (
  SELECT u.code, u.street_code, u.district_adcode FROM city.unit_grids u, loc WHERE ST_Intersects(u.geom, loc.g) ORDER BY u.code LIMIT 1
)
INSERT INTO city.cases (case_no, kind, class_code, urgency, state, source, description, address, reporter, component_id, grid_code, street_code,
                        district_adcode, reported_at, stage_deadline, photos, geom)
SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad((nextval('city.case_no_seq') % 1000000)::text, 6, '0'),
       $1::text, $2::text, $3::text, 'reported', $4::text, $5::text, $8::text, $10::text, $9::bigint, grid.code, grid.street_code,
       coalesce(grid.district_adcode, (SELECT d.adcode FROM base.districts d, loc WHERE ST_Intersects(d.geom, loc.g) ORDER BY d.adcode LIMIT 1)),
       now(), now() + city.case_limit_minutes($1::text, $2::text, $3::text, 'file') * interval '1 minute', $11::jsonb, loc.g
  FROM loc LEFT JOIN grid ON true
RETURNING id, case_no`;

/** Records a new case (state 上报) and its first event; returns the case number. */
export async function reportCase(pool: Pool, r: CaseReport, actor: string): Promise<string> {
  return inTransaction(pool, async (c) => {
    const cls = await c.query('SELECT 1 FROM city.case_class WHERE kind = $1 AND code = $2', [r.kind, r.classCode]);
    if (!cls.rowCount) throw new AppError(422, 'UnknownCaseClass', `没有${r.kind === 'event' ? '事件' : '部件'}类别 ${r.classCode} / no ${r.kind} class ${r.classCode}`);
    let componentId: number | null = null;
    if (r.componentCode !== null) {
      const comp = await c.query<{ id: number; class_code: string }>('SELECT id, class_code FROM city.components WHERE code = $1', [r.componentCode]);
      if (!comp.rows[0]) throw new AppError(422, 'UnknownComponent', `没有部件 ${r.componentCode} / no component ${r.componentCode}`);
      if (r.kind === 'component' && comp.rows[0].class_code !== r.classCode)
        throw new AppError(422, 'ComponentClassMismatch', `部件 ${r.componentCode} 属于类别 ${comp.rows[0].class_code}，不是 ${r.classCode} / component is of class ${comp.rows[0].class_code}`);
      componentId = comp.rows[0].id;
    }
    if (r.kind === 'component' && componentId === null) throw new AppError(422, 'ComponentRequired', '部件案件须指明部件编码 componentCode / a component case needs componentCode');
    if (r.lon === null && componentId === null) throw new AppError(422, 'LocationRequired', '须给出位置 lon/lat / a location (lon, lat) is required');
    const ins = await c.query<{ id: number; case_no: string }>(REPORT_SQL, [
      r.kind, r.classCode, r.urgency, r.source, r.description, r.lon, r.lat, r.address, componentId, actor, JSON.stringify(r.photos.map((p) => ({ ...p, stage: 'report' }))),
    ]);
    const { id, case_no } = ins.rows[0]!;
    await c.query(`INSERT INTO city.case_events (case_id, action, from_state, to_state, actor, at, note, photos) VALUES ($1, 'report', NULL, 'reported', $2, now(), $3, $4::jsonb)`, [
      id, actor, r.description.slice(0, 200), JSON.stringify(r.photos),
    ]);
    if (componentId !== null && r.componentStatus !== null) {
      const known = await c.query('SELECT 1 FROM city.component_status WHERE code = $1', [r.componentStatus]);
      if (!known.rowCount) throw new AppError(422, 'UnknownComponentStatus', `未知部件状态 ${r.componentStatus} / unknown component status`);
      await c.query(`SELECT city.set_component_status($1, $2, now(), $3, '案件上报', $4)`, [componentId, r.componentStatus, actor, case_no]);
    }
    return case_no;
  });
}

// One UPDATE applies any allowed transition: the timestamps of the stage entered, the
// department on dispatch, the deadlines from city.case_time_limit, the rework counter.
const APPLY_SQL = `
UPDATE city.cases k SET
  state = $2::text,
  filed_at = CASE WHEN $3::text = 'file' THEN now() ELSE k.filed_at END,
  dispatched_at = CASE WHEN $3 = 'dispatch' THEN now() WHEN $3 = 'send_back' THEN NULL ELSE k.dispatched_at END,
  department_code = CASE WHEN $3 = 'dispatch' THEN $4::text WHEN $3 = 'send_back' THEN NULL ELSE k.department_code END,
  handle_deadline = CASE WHEN $3 = 'dispatch' THEN now() + city.case_limit_minutes(k.kind, k.class_code, k.urgency, 'handle') * interval '1 minute'
                         WHEN $3 = 'send_back' THEN NULL
                         -- 延期: the clock stops; on resume the deadline moves by the time spent deferred
                         WHEN $3 = 'resume' THEN k.handle_deadline + (now() - (SELECT max(e.at) FROM city.case_events e WHERE e.case_id = k.id AND e.action = 'defer'))
                         ELSE k.handle_deadline END,
  handled_at = CASE WHEN $3 = 'complete' THEN now() ELSE k.handled_at END,
  closed_at = CASE WHEN $2::text IN (SELECT code FROM city.case_state WHERE terminal) THEN now() ELSE k.closed_at END,
  rework_count = k.rework_count + CASE WHEN $3 = 'rework' THEN 1 ELSE 0 END
WHERE k.id = $1
RETURNING k.id`;

const DEADLINE_SQL = `
UPDATE city.cases k SET stage_deadline = CASE s.limit_stage
    WHEN 'file' THEN k.reported_at + city.case_limit_minutes(k.kind, k.class_code, k.urgency, 'file') * interval '1 minute'
    WHEN 'dispatch' THEN now() + city.case_limit_minutes(k.kind, k.class_code, k.urgency, 'dispatch') * interval '1 minute'
    WHEN 'handle' THEN k.handle_deadline
    WHEN 'check' THEN now() + city.case_limit_minutes(k.kind, k.class_code, k.urgency, 'check') * interval '1 minute'
  END
  FROM city.case_state s WHERE s.code = k.state AND k.id = $1`;

/** Applies one workflow action to a case; returns the case after it. */
export async function transitionCase(pool: Pool, caseNo: string, input: CaseTransitionInput, actor: string): Promise<string> {
  return inTransaction(pool, async (c) => {
    const k = await c.query<{ id: number; state: string; kind: string; class_code: string; component_id: number | null; state_zh: string; state_en: string }>(
      `SELECT k.id, k.state, k.kind, k.class_code, k.component_id, s.name_zh AS state_zh, s.name_en AS state_en
         FROM city.cases k JOIN city.case_state s ON s.code = k.state WHERE k.case_no = $1 FOR UPDATE OF k`,
      [caseNo],
    );
    const cs = k.rows[0];
    if (!cs) throw new NotFoundError('NotFound', `没有案件 ${caseNo} / no case ${caseNo}`);
    const t = await c.query<{ to_state: string; requires_department: boolean; name_zh: string }>(
      'SELECT to_state, requires_department, name_zh FROM city.case_transition WHERE action = $1 AND from_state = $2',
      [input.action, cs.state],
    );
    if (!t.rows[0]) {
      const allowed = await c.query<{ action: string; name_zh: string }>('SELECT action, name_zh FROM city.case_transition WHERE from_state = $1 ORDER BY action', [cs.state]);
      const known = await c.query<{ name_zh: string }>('SELECT name_zh FROM city.case_transition WHERE action = $1 LIMIT 1', [input.action]);
      const list = allowed.rows.length ? allowed.rows.map((r) => `${r.action}(${r.name_zh})`).join(', ') : '无 / none';
      if (!known.rows[0]) {
        const all = await c.query<{ action: string }>('SELECT DISTINCT action FROM city.case_transition ORDER BY action');
        throw new IllegalCaseTransitionError(422, 'UnknownCaseAction',
          `未知的案件操作 "${input.action.slice(0, 20)}"；操作为 ${all.rows.map((r) => r.action).join(', ')} / unknown case action "${input.action.slice(0, 20)}"`,
          { state: cs.state, allowedActions: allowed.rows.map((r) => r.action) });
      }
      throw new IllegalCaseTransitionError(409, 'IllegalCaseTransition',
        `案件 ${caseNo} 当前为"${cs.state_zh}"，不能执行"${known.rows[0].name_zh}"；允许的操作：${list} / case ${caseNo} is ${cs.state_en.toLowerCase()}: "${input.action}" is not allowed from this state; allowed: ${allowed.rows.map((r) => r.action).join(', ') || 'none'}`,
        { state: cs.state, action: input.action, allowedActions: allowed.rows.map((r) => r.action) });
    }
    const tr = t.rows[0];
    let department: string | null = null;
    if (tr.requires_department) {
      department = input.department ?? (await c.query<{ d: string | null }>('SELECT default_department AS d FROM city.case_class WHERE kind = $1 AND code = $2', [cs.kind, cs.class_code])).rows[0]?.d ?? null;
      if (department === null) throw new AppError(422, 'DepartmentRequired', '派遣须指定处置部门 department / dispatch needs a department');
      const ok = await c.query('SELECT 1 FROM city.departments WHERE code = $1', [department]);
      if (!ok.rowCount) throw new AppError(422, 'UnknownDepartment', `没有部门 ${department.slice(0, 32)} / no department ${department.slice(0, 32)}`);
    } else if (input.department !== null) {
      throw new BadRequestError(`"${input.action}" 不需要部门 / action "${input.action}" takes no department`);
    }
    await c.query(APPLY_SQL, [cs.id, tr.to_state, input.action, department]);
    await c.query(DEADLINE_SQL, [cs.id]);
    await c.query(
      `INSERT INTO city.case_events (case_id, action, from_state, to_state, actor, at, department_code, note, photos) VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8::jsonb)`,
      [cs.id, input.action, cs.state, tr.to_state, actor, department, input.note, JSON.stringify(input.photos)],
    );
    if (input.photos.length)
      await c.query(`UPDATE city.cases SET photos = photos || $2::jsonb WHERE id = $1`, [cs.id, JSON.stringify(input.photos.map((p) => ({ ...p, stage: input.action })))]);
    // A closed component case repairs its component (domain.md §3.5: ObjState from closed cases).
    if (tr.to_state === 'closed' && cs.component_id !== null)
      await c.query(`SELECT city.set_component_status($1, 'intact', now(), $2, '案件结案', $3)`, [cs.component_id, actor, caseNo]);
    return caseDetail(c, caseNo, new Date().toISOString());
  });
}

export type CaseGrouping = 'class' | 'grid' | 'department' | 'street' | 'district';

const CASE_GROUPS: Record<CaseGrouping, { key: string; name: string }> = {
  class: { key: `k.kind || ':' || k.class_code`, name: 'cc.name_zh' },
  grid: { key: 'k.grid_code', name: 'k.grid_code' },
  department: { key: 'k.department_code', name: '(SELECT d.name_zh FROM city.departments d WHERE d.code = k.department_code)' },
  street: { key: 'k.street_code', name: '(SELECT t.name FROM base.towns t WHERE t.code = k.street_code)' },
  district: { key: 'k.district_adcode', name: '(SELECT d.name FROM base.districts d WHERE d.adcode = k.district_adcode)' },
};

// Cases reported in [$1, $2), judged at $3. Overdue (超期) = dispatched and handled after the
// handling deadline, or still unhandled past it; the rate is over dispatched cases (按期处置率 =
// 1 − rate). Open overdue = not closed and past the deadline of its current stage.
const statsSql = (g: CaseGrouping) => `
WITH k AS (
  SELECT k.*, ${CASE_GROUPS[g].key} AS key, ${CASE_GROUPS[g].name} AS name, cs.terminal
    FROM city.cases k JOIN city.case_class cc ON cc.kind = k.kind AND cc.code = k.class_code JOIN city.case_state cs ON cs.code = k.state
   WHERE k.reported_at >= $1::timestamptz AND k.reported_at < $2::timestamptz AND k.reported_at <= $3::timestamptz
), r AS (
  SELECT key, name, count(*) AS total,
         count(*) FILTER (WHERE state = 'closed') AS closed,
         count(*) FILTER (WHERE NOT terminal) AS open,
         count(*) FILTER (WHERE handle_deadline IS NOT NULL) AS dispatched,
         count(*) FILTER (WHERE handle_deadline IS NOT NULL AND coalesce(handled_at, $3::timestamptz) > handle_deadline) AS overdue,
         count(*) FILTER (WHERE NOT terminal AND stage_deadline < $3::timestamptz) AS open_overdue,
         sum(rework_count) AS reworked,
         avg(extract(epoch FROM handled_at - dispatched_at) / 3600) FILTER (WHERE handled_at IS NOT NULL) AS avg_handle_h
    FROM k GROUP BY key, name
)
SELECT json_build_object('from', $1::timestamptz, 'to', $2::timestamptz, 'datetime', $3::timestamptz,
  'totals', (SELECT json_build_object('total', coalesce(sum(total), 0), 'closed', coalesce(sum(closed), 0), 'open', coalesce(sum(open), 0),
                    'dispatched', coalesce(sum(dispatched), 0), 'overdue', coalesce(sum(overdue), 0), 'openOverdue', coalesce(sum(open_overdue), 0),
                    'overdueRate', round(sum(overdue)::numeric / nullif(sum(dispatched), 0), 4),
                    'closeRate', round(sum(closed)::numeric / nullif(sum(total), 0), 4)) FROM r),
  'rows', coalesce((SELECT json_agg(json_strip_nulls(json_build_object('key', key, 'name', name, 'total', total, 'closed', closed, 'open', open,
                     'dispatched', dispatched, 'overdue', overdue, 'openOverdue', open_overdue, 'reworked', reworked,
                     'overdueRate', round(overdue::numeric / nullif(dispatched, 0), 4), 'avgHandleHours', round(avg_handle_h::numeric, 2)))
                     ORDER BY total DESC, key) FROM r), '[]'::json))::text AS doc`;

export async function caseStatistics(pool: Pool, q: { by: CaseGrouping; fromIso: string; toIso: string; atIso: string }): Promise<string> {
  const { rows } = await pool.query<{ doc: string }>(statsSql(q.by), [q.fromIso, q.toIso, q.atIso]);
  return rows[0]!.doc;
}

const WORKFLOW_SQL = `
SELECT json_build_object(
  'states', (SELECT json_agg(json_build_object('code', code, 'zh', name_zh, 'en', name_en, 'terminal', terminal, 'limitStage', limit_stage, 'color', color) ORDER BY ord) FROM city.case_state),
  'transitions', (SELECT json_agg(json_build_object('action', action, 'from', from_state, 'to', to_state, 'zh', name_zh, 'en', name_en,
                    'requiresDepartment', requires_department, 'source', source) ORDER BY from_state, action) FROM city.case_transition),
  'timeLimits', (SELECT json_agg(json_build_object('kind', kind, 'classPrefix', class_prefix, 'urgency', urgency, 'stage', stage,
                    'minutes', limit_minutes, 'source', source, 'verified', verified) ORDER BY kind, class_prefix, urgency, stage) FROM city.case_time_limit),
  'departments', (SELECT json_agg(json_build_object('code', code, 'zh', name_zh, 'en', name_en) ORDER BY code) FROM city.departments),
  'classes', (SELECT json_agg(json_build_object('kind', kind, 'code', code, 'zh', name_zh, 'department', default_department) ORDER BY kind, code) FROM city.case_class)
)::text AS doc`;

/** The workflow as data (states, transitions, limits, departments, classes) for clients. */
export async function caseWorkflow(pool: Pool): Promise<string> {
  return (await pool.query<{ doc: string }>(WORKFLOW_SQL)).rows[0]!.doc;
}
