/** Tiles with TILE_CACHE=off: the hot path for plain requests, Koa's compressor for gzip/br. */
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lonLatToTile } from '@onemap/tiles';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ TILE_CACHE: 'off' });
});
afterAll(async () => {
  await platform?.close();
});

function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${platform.baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('uncached tiles', () => {
  const t = lonLatToTile(121.42, 28.66, 15);
  const path = `/tiles/buildings/15/${t.x}/${t.y}.mvt`;

  it('serve identical content with and without compression, with a weak ETag and 304', async () => {
    const plain = await rawGet(path, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['x-tile-cache']).toBe('off');
    expect(plain.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const etag = plain.headers['etag'] as string;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(new VectorTile(new PbfReader(plain.body)).layers['buildings']!.length).toBeGreaterThan(20);
    expect((await rawGet(path, { 'If-None-Match': etag })).status).toBe(304);
    const zipped = await rawGet(path, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });
});
