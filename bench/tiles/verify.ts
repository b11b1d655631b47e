/**
 * Before any timing: fetch every listed tile once from every target (uncompressed), decode it
 * as MVT, and record bytes and feature counts. Ours must carry the same features as the raw
 * SQL in every tile; the cached server must answer a repeat with a cache hit. This pass also
 * warms the cached server, so its cells measure hits only.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import type { TileCoord } from '@onemap/tiles';
import { httpGet } from './http.ts';
import { tileName } from './tile-list.ts';

export type Series = 'raw' | 'naive' | 'ours' | 'cached' | 'mapserver';

export interface TileProbe {
  readonly tile: string;
  readonly status: number;
  readonly bytes: number;
  readonly features: number;
  /** Why the answer is not a valid MVT for the layer (undefined when it is). */
  readonly invalid?: string;
  /** X-Tile-Cache of a repeated request (cached server only). */
  readonly repeat?: string;
}

export interface HttpSource {
  readonly baseUrl: string;
  readonly path: (z: number, x: number, y: number) => string;
}

const LAYER = 'buildings';

export function decode(body: Buffer): { features: number; invalid?: string } {
  if (body.length === 0) return { features: 0 };
  try {
    const tile = new VectorTile(new PbfReader(body));
    const layer = tile.layers[LAYER];
    const names = Object.keys(tile.layers);
    // A tile without layers is a valid empty tile (MapServer sends one where ours sends 204).
    if (!layer) return names.length ? { features: 0, invalid: `no "${LAYER}" layer (layers: ${names.join(', ')})` } : { features: 0 };
    // Touch every feature's geometry: a truncated or malformed tile fails here, not silently.
    for (let i = 0; i < layer.length; i++) layer.feature(i).loadGeometry();
    return { features: layer.length };
  } catch (err) {
    return { features: 0, invalid: `not decodable: ${(err as Error).message}` };
  }
}

export async function probeSql(databaseUrl: string, sql: string, tiles: readonly TileCoord[]): Promise<TileProbe[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out: TileProbe[] = [];
    for (const t of tiles) {
      const { rows } = await client.query<[Buffer | null]>({ text: sql, values: [t.z, t.x, t.y], rowMode: 'array' });
      const body = rows[0]?.[0] ?? Buffer.alloc(0);
      out.push({ tile: tileName(t), status: 0, bytes: body.length, ...decode(body) });
    }
    return out;
  } finally {
    await client.end();
  }
}

export async function probeHttp(src: HttpSource, tiles: readonly TileCoord[], checkRepeat = false): Promise<TileProbe[]> {
  const out: TileProbe[] = [];
  for (const t of tiles) {
    const url = `${src.baseUrl}${src.path(t.z, t.x, t.y)}`;
    const r = await httpGet(url, 120_000);
    const ok = r.status === 200 || r.status === 204;
    const d = ok ? decode(r.body) : { features: 0, invalid: `HTTP ${r.status}: ${r.body.toString('utf8', 0, 200).replace(/\s+/g, ' ')}` };
    const encoding = r.headers['content-encoding'];
    const invalid = d.invalid ?? (encoding ? `compressed (${String(encoding)}) without Accept-Encoding` : undefined);
    let repeat: string | undefined;
    if (checkRepeat && ok) repeat = String((await httpGet(url, 30_000)).headers['x-tile-cache'] ?? 'none');
    out.push({ tile: tileName(t), status: r.status, bytes: r.body.length, features: d.features, ...(invalid ? { invalid } : {}), ...(repeat ? { repeat } : {}) });
  }
  return out;
}

/** Tiles where two series disagree on the feature count. */
export function countMismatches(a: readonly TileProbe[], b: readonly TileProbe[]): string[] {
  const byTile = new Map(b.map((p) => [p.tile, p]));
  return a.flatMap((p) => {
    const q = byTile.get(p.tile);
    return q && q.features !== p.features ? [`${p.tile}: ${p.features} vs ${q.features}`] : [];
  });
}
