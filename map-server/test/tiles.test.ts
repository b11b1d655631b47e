/**
 * Vector tiles on the real PostGIS with the full Taizhou sample: decoded with
 * @mapbox/vector-tile and compared with what the database holds.
 */
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { lonLatToTile, tileBoundsLonLat } from '@onemap/tiles';
import { usePlatform } from './support/platform.ts';

// Anonymous requests see the public layers only (classification, security.test.ts covers the rest).
const publicLayers = catalog.layers.filter((l) => l.classification === 'public');

const ctx = usePlatform();

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${ctx.platform.baseUrl}${path}`, { headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A GET with exactly these headers (no automatic decompression or cache headers). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${ctx.platform.baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

function decode(bytes: Buffer): VectorTile {
  return new VectorTile(new PbfReader(bytes));
}

/** The z14 tile over the 椒江 centre (市府大道 area), where the sample is densest. */
const core = lonLatToTile(121.42, 28.66, 14);

describe('vector tiles', () => {
  it('serves buildings in the urban core with exactly the published properties', async () => {
    const { res, bytes } = await get(`/tiles/buildings/${core.z}/${core.x}/${core.y}.mvt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const tile = decode(bytes);
    const layer = tile.layers['buildings'];
    expect(layer).toBeDefined();
    expect(layer!.extent).toBe(4096);
    expect(layer!.length).toBeGreaterThan(50);
    const spec = catalog.layers.find((l) => l.id === 'buildings')!;
    const published = new Set(spec.properties.map((p) => p.name));
    for (let i = 0; i < Math.min(layer!.length, 200); i++) {
      const f = layer!.feature(i);
      expect(f.type).toBe(3); // polygon
      expect(typeof f.id).toBe('number');
      for (const key of Object.keys(f.properties)) expect(published.has(key), `unpublished property ${key}`).toBe(true);
      expect(['residential', 'commercial', 'industrial', 'public', 'education', 'other']).toContain(f.properties['use']);
    }
  });

  it('holds as many buildings as the database has in the tile', async () => {
    const { bytes } = await get(`/tiles/buildings/${core.z}/${core.x}/${core.y}.mvt`);
    const [w, s, e, n] = tileBoundsLonLat(core);
    // Same test as the tile SQL, done independently in 4490 degrees (interior intersection).
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM base.buildings
        WHERE upper_inf(valid) AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490))`,
      [w, s, e, n],
    );
    const layer = decode(bytes).layers['buildings']!;
    // The tile also carries features within its 64-unit buffer, never fewer than the interior.
    expect(layer.length).toBeGreaterThanOrEqual(rows[0]!.n);
    expect(layer.length).toBeLessThanOrEqual(rows[0]!.n * 1.2 + 10);
    const ids = new Set(Array.from({ length: layer.length }, (_, i) => layer.feature(i).id));
    expect(ids.size).toBe(layer.length);
  });

  it('places features where they are: a district tile geometry stays inside the extent with buffer', async () => {
    const t = lonLatToTile(121.2, 28.7, 8);
    const { res, bytes } = await get(`/tiles/districts/${t.z}/${t.x}/${t.y}.mvt`);
    expect(res.status).toBe(200);
    const layer = decode(bytes).layers['districts']!;
    const names = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties['name']);
    expect(names).toEqual(expect.arrayContaining(['椒江区', '黄岩区', '临海市']));
    for (let i = 0; i < layer.length; i++) {
      for (const ring of layer.feature(i).loadGeometry()) {
        for (const p of ring) {
          expect(p.x).toBeGreaterThanOrEqual(-64);
          expect(p.x).toBeLessThanOrEqual(4096 + 64);
        }
      }
    }
  });

  it('concatenates a composite tile with one MVT layer per requested layer', async () => {
    const { res, bytes } = await get(`/tiles/roads,buildings,water_areas/${core.z}/${core.x}/${core.y}.mvt`);
    expect(res.status).toBe(200);
    const tile = decode(bytes);
    expect(Object.keys(tile.layers).sort()).toEqual(['buildings', 'roads', 'water_areas'].filter((id) => tile.layers[id]).sort());
    expect(tile.layers['buildings']!.length).toBeGreaterThan(0);
    expect(tile.layers['roads']!.length).toBeGreaterThan(0);
    const single = decode((await get(`/tiles/buildings/${core.z}/${core.x}/${core.y}.mvt`)).bytes);
    expect(tile.layers['buildings']!.length).toBe(single.layers['buildings']!.length);
  });

  it('answers an empty tile (open sea far away) with 204 and no body', async () => {
    const t = lonLatToTile(-150, -40, 14);
    const { res, bytes } = await get(`/tiles/buildings/${t.z}/${t.x}/${t.y}.mvt`);
    expect(res.status).toBe(204);
    expect(bytes.length).toBe(0);
  });

  it('revalidates with ETag → 304, per encoding', async () => {
    const path = `/tiles/buildings/${core.z}/${core.x}/${core.y}.mvt`;
    for (const encoding of ['br', 'gzip', 'identity']) {
      const first = await rawGet(path, { 'Accept-Encoding': encoding });
      const etag = first.headers['etag'] as string;
      expect(etag).toMatch(/^(W\/)?".+"$/);
      expect(first.headers['cache-control']).toBe('no-cache');
      // A browser revalidating sends If-None-Match (fetch() would add Cache-Control: no-cache, which
      // asks for a full response; node:http sends exactly what a browser cache sends).
      const again = await rawGet(path, { 'Accept-Encoding': encoding, 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
    const br = await rawGet(path, { 'Accept-Encoding': 'br' });
    const gz = await rawGet(path, { 'Accept-Encoding': 'gzip' });
    expect(br.headers['etag']).not.toBe(gz.headers['etag']);
  });

  it('gzips when asked and the bytes decode to the same tile', async () => {
    const path = `/tiles/buildings/${core.z}/${core.x}/${core.y}.mvt`;
    const plain = await get(path, { 'Accept-Encoding': 'identity' });
    // fetch transparently inflates; what matters is the header and the identical payload.
    const zipped = await get(path, { 'Accept-Encoding': 'gzip' });
    expect(zipped.res.headers.get('content-encoding')).toBe('gzip');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(Buffer.compare(plain.bytes, zipped.bytes)).toBe(0);
  });

  it('shows the past on versioned layers with datetime (a building built in 2020 is absent in 2010)', async () => {
    const { rows } = await ctx.db.query<{ fid: number; lon: number; lat: number; year: number }>(
      `SELECT fid, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat, year_built AS year
         FROM base.buildings WHERE upper_inf(valid) AND lower(valid) > '2015-01-01' ORDER BY fid LIMIT 1`,
    );
    const b = rows[0]!;
    const t = lonLatToTile(b.lon, b.lat, 16);
    const path = `/tiles/buildings/${t.z}/${t.x}/${t.y}.mvt`;
    const ids = (bytes: Buffer) => {
      const layer = decode(bytes).layers['buildings'];
      return new Set(layer ? Array.from({ length: layer.length }, (_, i) => layer.feature(i).id) : []);
    };
    expect(ids((await get(path)).bytes).has(b.fid)).toBe(true);
    const past = await get(`${path}?datetime=2010-01-01T00:00:00%2B08:00`);
    expect([200, 204]).toContain(past.res.status);
    expect(ids(past.bytes).has(b.fid)).toBe(false);
  });

  it.each([
    ['/tiles/buildings/14/99999/1.mvt', 400, 'InvalidParameterValue'],
    ['/tiles/buildings/31/0/0.mvt', 400, 'InvalidParameterValue'],
    ['/tiles/buildings/-1/0/0.mvt', 400, 'InvalidParameterValue'],
    ['/tiles/buildings/x/0/0.mvt', 400, 'InvalidParameterValue'],
    ['/tiles/buildings/3/1/1.mvt', 404, 'TileOutsideZoomRange'],
    ['/tiles/no_such_layer/3/1/1.mvt', 404, 'LayerNotFound'],
    ['/tiles/buildings,nope/14/1/1.mvt', 404, 'LayerNotFound'],
    ['/tiles/buildings/14/1/1.mvt?zoom=3', 400, 'UnknownParameter'],
    ['/tiles/buildings/14/1/1.mvt?datetime=yesterday', 400, 'InvalidParameterValue'],
    ['/tiles/buildings/14/1/1.mvt?datetime=2024-02-31', 400, 'InvalidParameterValue'],
  ])('%s → %i JSON problem', async (path, status, code) => {
    const { res, bytes } = await get(path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = JSON.parse(bytes.toString('utf8'));
    expect(body.code).toBe(code);
    expect(body.status).toBe(status);
    expect(typeof body.detail).toBe('string');
  });
});

describe('TileJSON', () => {
  it('describes a layer with absolute tile URLs and its fields', async () => {
    const { res, bytes } = await get('/tiles/roads.json');
    expect(res.status).toBe(200);
    const tj = JSON.parse(bytes.toString('utf8'));
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles).toEqual([`${ctx.platform.baseUrl}/tiles/roads/{z}/{x}/{y}.mvt`]);
    expect(tj.minzoom).toBe(8);
    expect(tj.vector_layers).toEqual([
      expect.objectContaining({ id: 'roads', fields: { name: 'String', class: 'String', lanes: 'Number', opened_year: 'Number' } }),
    ]);
    const [w, s, e, n] = tj.bounds;
    expect(w).toBeGreaterThan(120);
    expect(e).toBeLessThan(122.5);
    expect(s).toBeGreaterThan(27.8);
    expect(n).toBeLessThan(29.5);
  });

  it('describes a composite', async () => {
    const tj = JSON.parse((await get('/tiles/districts,rivers.json')).bytes.toString('utf8'));
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['districts', 'rivers']);
    expect(tj.tiles[0]).toBe(`${ctx.platform.baseUrl}/tiles/districts,rivers/{z}/{x}/{y}.mvt`);
  });
});

describe('/catalog', () => {
  it('is derived from the catalogue: every layer, its legend and links', async () => {
    const doc = JSON.parse((await get('/catalog')).bytes.toString('utf8'));
    expect(doc.layers.map((l: { id: string }) => l.id).sort()).toEqual(publicLayers.map((l) => l.id).sort());
    const buildings = doc.layers.find((l: { id: string }) => l.id === 'buildings');
    expect(buildings.legend.map((e: { title: { zh: string } }) => e.title.zh)).toEqual(['住宅', '商业', '工业', '公共服务', '教育', '其他']);
    expect(buildings.links.tiles).toBe(`${ctx.platform.baseUrl}/tiles/buildings/{z}/{x}/{y}.mvt`);
    expect(buildings.owner.title.zh).toBe('台州市住房和城乡建设局');
    expect(doc.groups[0].layers).toContain('buildings');
  });
});
