/**
 * 城市部件: counts and status by grid, street (街道) or district — now, or as of an instant from
 * the status history — one component with its history, and status changes. Fixed SQL, bound
 * values; the grouping column comes from a constant table, never from the request.
 */
import type { Pool } from '../../db.ts';
import { AppError, NotFoundError } from '../../errors.ts';

export type ComponentGrouping = 'grid' | 'street' | 'district';

/** Grouping key and display name per grouping (identifiers only from here). */
const GROUPINGS: Record<ComponentGrouping, { key: string; name: string }> = {
  grid: { key: 's.grid_code', name: 's.grid_code' },
  street: { key: 's.street_code', name: '(SELECT t.name FROM base.towns t WHERE t.code = s.street_code)' },
  district: { key: 's.district_adcode', name: '(SELECT d.name FROM base.districts d WHERE d.adcode = s.district_adcode)' },
};

// Status of every component now (c.status) or as of $1 (the last history row at or before it;
// a component without one did not exist yet). $2 filters by class (2-digit major or 4-digit
// class), $3 by street.
const statusSql = (g: ComponentGrouping) => `
WITH s AS (
  SELECT c.grid_code, c.street_code, c.district_adcode,
         CASE WHEN $1::timestamptz IS NULL THEN c.status
              ELSE (SELECT h.to_status FROM city.component_status_history h
                     WHERE h.component_id = c.id AND h.changed_at <= $1::timestamptz ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) END AS status
    FROM city.components c
   WHERE ($2::text IS NULL OR left(c.class_code, length($2::text)) = $2::text) AND ($3::text IS NULL OR c.street_code = $3::text)
), g AS (
  SELECT ${GROUPINGS[g].key} AS key, ${GROUPINGS[g].name} AS name, s.status, count(*) AS n
    FROM s WHERE s.status IS NOT NULL GROUP BY 1, 2, 3
)
SELECT json_build_object(
  'statuses', (SELECT json_agg(json_build_object('code', code, 'zh', name_zh, 'en', name_en, 'color', color) ORDER BY ord) FROM city.component_status),
  'rows', coalesce((SELECT json_agg(json_build_object('key', x.key, 'name', x.name, 'total', x.total, 'counts', x.counts) ORDER BY x.key)
                      FROM (SELECT key, name, sum(n)::int AS total, json_object_agg(status, n) AS counts FROM g GROUP BY key, name) x), '[]'::json)
)::text AS doc`;

const COMPONENT_SQL = `
SELECT json_build_object('type', 'Feature', 'id', c.code, 'geometry', ST_AsGeoJSON(c.geom, 7, 0)::json,
  'properties', json_strip_nulls(json_build_object(
    'code', c.code, 'class_code', c.class_code, 'class_name', k.name_zh, 'major_name', m.name_zh, 'status', c.status,
    'status_name', st.name_zh, 'status_changed_at', c.status_changed_at, 'grid_code', c.grid_code, 'street_code', c.street_code,
    'district_adcode', c.district_adcode, 'owner_unit', c.owner_unit, 'maintainer_unit', c.maintainer_unit, 'road_name', c.road_name,
    'pipe_point_no', (SELECT p.point_no FROM pipe.points p WHERE p.id = c.pipe_point_id), 'installed_on', c.installed_on,
    'history', (SELECT json_agg(json_build_object('from', h.from_status, 'to', h.to_status, 'at', h.changed_at, 'by', h.changed_by,
                                                  'note', h.note, 'case_no', h.case_no) ORDER BY h.changed_at, h.id)
                  FROM city.component_status_history h WHERE h.component_id = c.id))))::text AS doc
  FROM city.components c JOIN city.component_class k ON k.code = c.class_code JOIN city.component_major m ON m.code = k.major
  JOIN city.component_status st ON st.code = c.status
 WHERE c.code = $1`;

export async function componentStatusCounts(
  pool: Pool,
  q: { by: ComponentGrouping; atIso: string | null; classPrefix: string | null; street: string | null },
): Promise<string> {
  const { rows } = await pool.query<{ doc: string }>(statusSql(q.by), [q.atIso, q.classPrefix, q.street]);
  return rows[0]!.doc;
}

export async function componentByCode(pool: Pool, code: string): Promise<string> {
  const { rows } = await pool.query<{ doc: string }>(COMPONENT_SQL, [code]);
  if (!rows[0]) throw new NotFoundError('NotFound', `没有部件 ${code} / no component ${code}`);
  return rows[0].doc;
}

/** Sets a component's status (recording who and why); 409 when it already has that status. */
export async function setComponentStatus(pool: Pool, code: string, status: string, actor: string, note: string | null): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const known = await client.query('SELECT 1 FROM city.component_status WHERE code = $1', [status]);
    if (!known.rowCount) {
      const all = await client.query<{ code: string }>('SELECT code FROM city.component_status ORDER BY ord');
      throw new AppError(422, 'UnknownComponentStatus', `未知部件状态 "${status.slice(0, 20)}" / unknown component status; one of: ${all.rows.map((r) => r.code).join(', ')}`);
    }
    const c = await client.query<{ id: number }>('SELECT id FROM city.components WHERE code = $1', [code]);
    if (!c.rows[0]) throw new NotFoundError('NotFound', `没有部件 ${code} / no component ${code}`);
    const r = await client.query<{ hid: number | null }>('SELECT city.set_component_status($1, $2, now(), $3, $4, NULL) AS hid', [c.rows[0].id, status, actor, note]);
    if (r.rows[0]!.hid === null) throw new AppError(409, 'StatusUnchanged', `部件已是该状态 / the component already has status ${status}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return componentByCode(pool, code);
}
