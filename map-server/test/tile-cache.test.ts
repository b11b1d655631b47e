/**
 * Exact cache invalidation on the real server: a write made directly in SQL (not through our
 * API) reaches the cache through the change-capture NOTIFY; touched tiles at every zoom and
 * time bucket are re-rendered, untouched ones stay cached.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { lonLatToTile, type TileCoord } from '@onemap/tiles';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform({ TILE_CACHE: 'memory' });

const path = (t: TileCoord, q = '') => `/tiles/buildings/${t.z}/${t.x}/${t.y}.mvt${q}`;

async function fetchTile(p: string) {
  const res = await fetch(`${ctx.platform.baseUrl}${p}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, cache: res.headers.get('x-tile-cache'), bytes };
}

function floorsOf(bytes: Buffer, fid: number): unknown {
  const layer = new VectorTile(new PbfReader(bytes)).layers['buildings'];
  for (let i = 0; layer && i < layer.length; i++) if (layer.feature(i).id === fid) return layer.feature(i).properties['floors'];
  return undefined;
}

async function waitForMiss(p: string): Promise<Awaited<ReturnType<typeof fetchTile>>> {
  for (let i = 0; i < 40; i++) {
    const r = await fetchTile(p);
    if (r.cache === 'miss') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`tile ${p} was never re-rendered after the edit`);
}

describe('tile cache invalidation', () => {
  it('re-renders exactly the tiles a direct SQL edit touches', async () => {
    const { rows } = await ctx.db.query<{ fid: number; floors: number; lon: number; lat: number }>(
      `SELECT fid, floors, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat
         FROM base.buildings WHERE upper_inf(valid) AND ST_Intersects(geom, ST_MakeEnvelope(121.40, 28.64, 121.44, 28.68, 4490))
        ORDER BY fid LIMIT 1`,
    );
    const b = rows[0]!;
    const touched = [12, 14, 16].map((z) => lonLatToTile(b.lon, b.lat, z));
    const elsewhere = [14, 16].map((z) => lonLatToTile(121.12, 28.85, z)); // 临海, 30 km away
    const asOf = '?datetime=2030-01-01T00:00:00Z';
    for (const t of [...touched, ...elsewhere]) {
      expect((await fetchTile(path(t))).cache).toBe('miss');
      expect((await fetchTile(path(t))).cache).toBe('hit');
    }
    expect((await fetchTile(path(touched[2]!, asOf))).cache).toBe('miss');
    expect(floorsOf((await fetchTile(path(touched[2]!))).bytes, b.fid)).toBe(b.floors);

    const newFloors = b.floors === 33 ? 34 : 33;
    await ctx.db.query('UPDATE base.buildings SET floors = $1 WHERE fid = $2 AND upper_inf(valid)', [newFloors, b.fid]);

    const after = await waitForMiss(path(touched[2]!));
    expect(floorsOf(after.bytes, b.fid)).toBe(newFloors);
    for (const t of touched.slice(0, 2)) expect((await fetchTile(path(t))).cache).toBe('miss');
    expect((await fetchTile(path(touched[2]!, asOf))).cache).toBe('miss');
    for (const t of elsewhere) expect((await fetchTile(path(t))).cache, `z${t.z} elsewhere`).toBe('hit');
  });

  it('a moved feature leaves its old tiles and arrives in its new ones', async () => {
    const { rows } = await ctx.db.query<{ fid: number; lon: number; lat: number }>(
      `SELECT fid, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM base.buildings
        WHERE upper_inf(valid) AND ST_Intersects(geom, ST_MakeEnvelope(121.36, 28.57, 121.38, 28.59, 4490)) ORDER BY fid LIMIT 1`,
    );
    const b = rows[0]!;
    const from = lonLatToTile(b.lon, b.lat, 16);
    // 0.02° east is ~2 km: a different z16 tile.
    const to = lonLatToTile(b.lon + 0.02, b.lat, 16);
    expect(to.x).not.toBe(from.x);
    await fetchTile(path(from));
    await fetchTile(path(to));
    expect(floorsOf((await fetchTile(path(from))).bytes, b.fid)).toBeDefined();
    await ctx.db.query('UPDATE base.buildings SET geom = ST_Translate(geom, 0.02, 0) WHERE fid = $1 AND upper_inf(valid)', [b.fid]);
    expect(floorsOf((await waitForMiss(path(from))).bytes, b.fid)).toBeUndefined();
    expect(floorsOf((await waitForMiss(path(to))).bytes, b.fid)).toBeDefined();
  });
});
