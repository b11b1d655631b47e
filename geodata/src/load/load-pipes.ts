/**
 * Loads the sample pipe networks (`pipe.points`, `pipe.segments`) inside the caller's transaction
 * (loadSample's), so the sample stays all-or-nothing. Secondary indexes are rebuilt after COPY,
 * as for the `base` tables.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generatePipeNetworks } from '../sample/pipes/generate-pipes.ts';
import type { SampleDataset } from '../sample/types.ts';
import { copyChunks, type CopyValue } from './copy-text.ts';

const POINT_COLUMNS = ['id', 'point_no', 'category', 'subcategory', 'feature', 'appurtenance', 'ground_elev', 'depth', 'valve_state', 'is_source', 'road_name', 'owner_unit', 'properties', 'geom'];
const SEGMENT_COLUMNS = [
  'id', 'line_no', 'category', 'subcategory', 'start_point_id', 'end_point_id', 'start_depth', 'end_depth', 'start_elev', 'end_elev', 'elev_ref', 'shape',
  'diameter_mm', 'width_mm', 'height_mm', 'material', 'pressure_class', 'pressure_mpa', 'voltage_kv', 'embedding', 'install_year', 'owner_unit', 'road_name',
  'location', 'properties', 'geom',
];

function props(planted: string | null): string {
  return planted ? JSON.stringify({ planted }) : '{}';
}

async function dropSecondaryIndexes(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [table],
  );
  if (rows.length > 0) await client.query(`DROP INDEX ${rows.map((r) => r.name).join(', ')}`);
  return rows.map((r) => r.def);
}

async function copy(client: pg.ClientBase, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<void> {
  await pipeline(Readable.from(copyChunks(rows)), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

/** Replaces the pipe tables with the sample networks; returns the row counts. */
export async function loadPipeSample(client: pg.ClientBase, dataset: SampleDataset): Promise<{ points: number; segments: number }> {
  const nets = generatePipeNetworks(dataset);
  await client.query('TRUNCATE pipe.segments, pipe.points RESTART IDENTITY CASCADE');
  const defs = [...(await dropSecondaryIndexes(client, 'pipe.segments')), ...(await dropSecondaryIndexes(client, 'pipe.points'))];
  await copy(
    client, 'pipe.points', POINT_COLUMNS,
    nets.points.map((p) => [
      p.id, p.pointNo, p.category, p.subcategory, p.feature, p.appurtenance, p.groundElev, p.depth, p.valveState, p.isSource ? 't' : 'f', p.roadName, p.ownerUnit,
      props(p.planted), `SRID=4490;POINT(${p.lonLat[0]} ${p.lonLat[1]})`,
    ]),
  );
  await copy(
    client, 'pipe.segments', SEGMENT_COLUMNS,
    nets.segments.map((s) => {
      const a = nets.pointById.get(s.startId)!.lonLat;
      const b = nets.pointById.get(s.endId)!.lonLat;
      return [
        s.id, s.lineNo, s.category, s.subcategory, s.startId, s.endId, s.startDepth, s.endDepth, s.startElev, s.endElev, s.elevRef, s.shape,
        s.diameterMm, s.widthMm, s.heightMm, s.material, s.pressureClass, s.pressureMpa, s.voltageKv, s.embedding, s.installYear, s.ownerUnit, s.roadName,
        s.location, props(s.planted), `SRID=4490;LINESTRING(${a[0]} ${a[1]},${b[0]} ${b[1]})`,
      ];
    }),
  );
  for (const def of defs) await client.query(def);
  await client.query(`SELECT setval('pipe.points_id_seq', $1), setval('pipe.segments_id_seq', $2)`, [nets.points.length, nets.segments.length]);
  await client.query('ANALYZE pipe.points, pipe.segments');
  return { points: nets.points.length, segments: nets.segments.length };
}
