/**
 * STAC API v1.0.0 over the scene catalogue (standards.md §7): landing Catalog, conformance,
 * Collections, item search (bbox, intersects, datetime, collections, ids, limit, next links)
 * and the STAC Item documents. SQL values are always bound.
 */
import type { Pool } from '../../db.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';

export const STAC_VERSION = '1.0.0';
export const COG_MEDIA_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';
const EXTENSIONS = [
  'https://stac-extensions.github.io/eo/v1.1.0/schema.json',
  'https://stac-extensions.github.io/projection/v1.1.0/schema.json',
  'https://stac-extensions.github.io/raster/v1.1.0/schema.json',
];

export const STAC_CONFORMANCE = [
  'https://api.stacspec.org/v1.0.0/core',
  'https://api.stacspec.org/v1.0.0/collections',
  'https://api.stacspec.org/v1.0.0/ogcapi-features',
  'https://api.stacspec.org/v1.0.0/item-search',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];

/** A parsed STAC search. */
export interface StacSearch {
  readonly bbox?: readonly [number, number, number, number];
  readonly intersects?: unknown;
  readonly start?: string;
  readonly end?: string;
  readonly collections?: readonly string[];
  readonly ids?: readonly string[];
  readonly limit: number;
  readonly offset: number;
}

export const STAC_DEFAULT_LIMIT = 10;
export const STAC_MAX_LIMIT = 1000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function instant(text: string): string {
  const m = RFC3339.exec(text);
  const ms = m ? Date.parse(text.toUpperCase()) : NaN;
  if (!m || !Number.isFinite(ms)) throw new BadRequestError(`datetime 须为 RFC 3339 时间（含时区）/ datetime must be RFC 3339 with a time zone (e.g. 2023-05-01T00:00:00Z), got "${text.slice(0, 40)}"`);
  return new Date(ms).toISOString();
}

/** STAC `datetime`: an instant, or an interval with `..` or empty open ends (not both open). */
export function parseStacDatetime(text: string): { start?: string; end?: string } {
  if (!text.includes('/')) {
    const t = instant(text);
    return { start: t, end: t };
  }
  const parts = text.split('/');
  if (parts.length !== 2) throw new BadRequestError('datetime 区间格式错误 / datetime interval must be start/end');
  const [a, b] = parts as [string, string];
  const open = (s: string) => s === '' || s === '..';
  if (open(a) && open(b)) throw new BadRequestError('datetime 区间两端不能都开放 / a datetime interval needs at least one end');
  const start = open(a) ? undefined : instant(a);
  const end = open(b) ? undefined : instant(b);
  if (start && end && start > end) throw new BadRequestError('datetime 区间起点晚于终点 / the datetime interval ends before it starts');
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

/** STAC bbox: 4 or 6 numbers, south ≤ north. */
export function parseStacBbox(value: unknown): [number, number, number, number] {
  const nums = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s))) : [];
  if (!(nums.length === 4 || nums.length === 6) || nums.some((n) => typeof n !== 'number' || !Number.isFinite(n))) throw new BadRequestError('bbox 须为 4 或 6 个数 / bbox must be 4 or 6 numbers: minLon,minLat,maxLon,maxLat');
  const [w, s, e, n] = nums.length === 4 ? nums : [nums[0], nums[1], nums[3], nums[4]];
  if (s > n || s < -90 || n > 90) throw new BadRequestError('bbox 纬度范围错误 / bbox latitudes must be within [-90, 90] with south ≤ north');
  return [w, s, e, n];
}

function list(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!items || items.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 128)) throw new BadRequestError(`${name} 须为字符串列表 / ${name} must be a list of strings`);
  return (items as string[]).map((s) => s.trim());
}

/** Parses a search from GET parameters or a POST body (both already plain objects). */
export function parseStacSearch(p: Readonly<Record<string, unknown>>, forCollection?: string): StacSearch {
  const bbox = p['bbox'] === undefined ? undefined : parseStacBbox(p['bbox']);
  let intersects = p['intersects'];
  if (typeof intersects === 'string') {
    try {
      intersects = JSON.parse(intersects);
    } catch {
      throw new BadRequestError('intersects 须为 GeoJSON 几何 / intersects must be a GeoJSON geometry');
    }
  }
  if (intersects !== undefined && (typeof intersects !== 'object' || intersects === null || typeof (intersects as { type?: unknown }).type !== 'string')) throw new BadRequestError('intersects 须为 GeoJSON 几何 / intersects must be a GeoJSON geometry');
  if (bbox && intersects !== undefined) throw new BadRequestError('bbox 与 intersects 不能同时使用 / give bbox or intersects, not both');
  const dt = p['datetime'] === undefined || p['datetime'] === '' ? {} : parseStacDatetime(String(p['datetime']));
  const limitRaw = p['limit'];
  let limit = STAC_DEFAULT_LIMIT;
  if (limitRaw !== undefined) {
    const n = Number(limitRaw);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new BadRequestError('limit 须为 1–1000000 的整数 / limit must be an integer in [1, 1000000]');
    limit = Math.min(n, STAC_MAX_LIMIT);
  }
  const tokenRaw = p['token'];
  let offset = 0;
  if (tokenRaw !== undefined) {
    const m = /^o(\d{1,9})$/.exec(String(tokenRaw));
    if (!m) throw new BadRequestError('token 无效 / invalid paging token');
    offset = Number(m[1]);
  }
  const collections = forCollection ? [forCollection] : list(p['collections'], 'collections');
  const ids = list(p['ids'], 'ids');
  return { ...(bbox ? { bbox } : {}), ...(intersects !== undefined ? { intersects } : {}), ...dt, ...(collections ? { collections } : {}), ...(ids ? { ids } : {}), limit, offset };
}

export interface ItemRow {
  collection: string;
  id: string;
  datetime: Date;
  cloud_cover: number | null;
  gsd_m: number;
  epsg: number;
  proj_shape: number[];
  proj_transform: number[];
  band_count: number;
  nodata: number | null;
  geometry: string;
  bbox: number[];
  cog_bytes: string;
  cog_sha1: string;
  properties: Record<string, unknown>;
  created: Date;
  updated: Date;
  bands: BandRow[];
  platforms: string[];
  instruments: string[];
}

interface BandRow {
  name: string;
  common_name?: string;
  center_wavelength?: number;
  full_width_half_max?: number;
  display_min?: number;
  display_max?: number;
  scale?: number;
  offset?: number;
}

const ITEM_COLUMNS = `i.collection, i.id, i.datetime, i.cloud_cover, i.gsd_m, i.epsg, i.proj_shape, i.proj_transform, i.band_count, i.nodata,
  ST_AsGeoJSON(i.footprint, 7, 0) AS geometry,
  ARRAY[ST_XMin(i.footprint), ST_YMin(i.footprint), ST_XMax(i.footprint), ST_YMax(i.footprint)] AS bbox,
  i.cog_bytes, i.cog_sha1, i.properties, i.created, i.updated, c.bands, c.platforms, c.instruments`;

/** Runs a search; returns one page and whether more follow. */
export async function searchItems(pool: Pool, s: StacSearch): Promise<{ rows: ItemRow[]; matched: number }> {
  const where: string[] = [];
  const args: unknown[] = [];
  const bind = (v: unknown) => `$${args.push(v)}`;
  if (s.bbox) {
    const [w, so, e, n] = s.bbox;
    const [pw, ps, pe, pn] = [bind(w), bind(so), bind(e), bind(n)];
    // A bbox with west > east crosses the antimeridian: two envelopes.
    where.push(
      w <= e
        ? `ST_Intersects(i.footprint, ST_MakeEnvelope(${pw}, ${ps}, ${pe}, ${pn}, 4490))`
        : `(ST_Intersects(i.footprint, ST_MakeEnvelope(${pw}, ${ps}, 180, ${pn}, 4490)) OR ST_Intersects(i.footprint, ST_MakeEnvelope(-180, ${ps}, ${pe}, ${pn}, 4490)))`,
    );
  }
  if (s.intersects !== undefined) where.push(`ST_Intersects(i.footprint, ST_SetSRID(ST_GeomFromGeoJSON(${bind(JSON.stringify(s.intersects))}), 4490))`);
  if (s.start) where.push(`i.datetime >= ${bind(s.start)}`);
  if (s.end) where.push(`i.datetime <= ${bind(s.end)}`);
  if (s.collections) where.push(`i.collection = ANY(${bind(s.collections)}::text[])`);
  if (s.ids) where.push(`i.id = ANY(${bind(s.ids)}::text[])`);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  try {
    const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM imagery.items i ${whereSql}`, args);
    const { rows } = await pool.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM imagery.items i JOIN imagery.collections c ON c.id = i.collection ${whereSql}
       ORDER BY i.datetime DESC, i.collection, i.id LIMIT ${bind(s.limit)} OFFSET ${bind(s.offset)}`,
      args,
    );
    return { rows, matched: Number(count.rows[0]!.n) };
  } catch (err) {
    // A malformed intersects geometry is the client's (XX000 from ST_GeomFromGeoJSON).
    if ((err as { code?: string }).code === 'XX000' && s.intersects !== undefined) throw new BadRequestError(`intersects 不是有效的 GeoJSON 几何 / intersects is not a valid GeoJSON geometry`);
    throw err;
  }
}

export async function getItem(pool: Pool, collection: string, id: string): Promise<ItemRow> {
  const { rows } = await pool.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM imagery.items i JOIN imagery.collections c ON c.id = i.collection WHERE i.collection = $1 AND i.id = $2`, [collection, id]);
  if (!rows[0]) throw new NotFoundError('ItemNotFound', `没有影像 / no item "${id}" in collection "${collection}"`);
  return rows[0];
}

/** The STAC Item of a row. */
export function itemDocument(r: ItemRow, base: string): Record<string, unknown> {
  const stac = `${base}/stac`;
  const self = `${stac}/collections/${encodeURIComponent(r.collection)}/items/${encodeURIComponent(r.id)}`;
  const eoBands = r.bands.map((b) => ({ name: b.name, ...(b.common_name ? { common_name: b.common_name } : {}), ...(b.center_wavelength ? { center_wavelength: b.center_wavelength } : {}), ...(b.full_width_half_max ? { full_width_half_max: b.full_width_half_max } : {}) }));
  const rasterBands = r.bands.map((b) => ({ ...(b.scale !== undefined ? { scale: b.scale } : {}), ...(b.offset !== undefined ? { offset: b.offset } : {}), ...(r.nodata !== null ? { nodata: r.nodata } : {}) }));
  const tiles = `${base}/imagery/scenes/${encodeURIComponent(r.collection)}/${encodeURIComponent(r.id)}/tiles/{z}/{x}/{y}.png`;
  return {
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: EXTENSIONS,
    id: r.id,
    collection: r.collection,
    geometry: JSON.parse(r.geometry) as unknown,
    bbox: r.bbox,
    properties: {
      datetime: r.datetime.toISOString(),
      ...(r.cloud_cover !== null ? { 'eo:cloud_cover': r.cloud_cover } : {}),
      gsd: Math.round(r.gsd_m * 1000) / 1000,
      ...(r.platforms[0] ? { platform: r.platforms[0] } : {}),
      ...(r.instruments.length ? { instruments: r.instruments } : {}),
      'proj:epsg': r.epsg,
      'proj:shape': r.proj_shape,
      'proj:transform': r.proj_transform,
      created: r.created.toISOString(),
      updated: r.updated.toISOString(),
      ...r.properties,
    },
    links: [
      { rel: 'self', href: self, type: 'application/geo+json' },
      { rel: 'collection', href: `${stac}/collections/${encodeURIComponent(r.collection)}`, type: 'application/json' },
      { rel: 'parent', href: `${stac}/collections/${encodeURIComponent(r.collection)}`, type: 'application/json' },
      { rel: 'root', href: stac, type: 'application/json' },
      { rel: 'xyz', href: tiles, type: 'image/png', title: '真彩色瓦片 / true-colour tiles (Web Mercator)' },
    ],
    assets: {
      cog: {
        href: `${base}/imagery/cogs/${encodeURIComponent(r.collection)}/${encodeURIComponent(r.id)}.tif`,
        type: COG_MEDIA_TYPE,
        title: 'Cloud-Optimized GeoTIFF',
        roles: ['data'],
        'file:size': Number(r.cog_bytes),
        'eo:bands': eoBands,
        'raster:bands': rasterBands,
        'proj:epsg': r.epsg,
      },
    },
  };
}

interface CollectionRow {
  id: string;
  title: string;
  description: string;
  license: string;
  platforms: string[];
  instruments: string[];
  gsd_m: number;
  bands: BandRow[];
  keywords: string[];
  providers: unknown[];
  bbox: number[] | null;
  t0: Date | null;
  t1: Date | null;
  items: string;
}

export async function listCollections(pool: Pool, id?: string): Promise<CollectionRow[]> {
  const { rows } = await pool.query<CollectionRow>(
    `SELECT c.*, (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] FROM (SELECT ST_Extent(footprint) AS e FROM imagery.items WHERE collection = c.id) x WHERE e IS NOT NULL) AS bbox,
            (SELECT min(datetime) FROM imagery.items WHERE collection = c.id) AS t0,
            (SELECT max(datetime) FROM imagery.items WHERE collection = c.id) AS t1,
            (SELECT count(*) FROM imagery.items WHERE collection = c.id) AS items
       FROM imagery.collections c WHERE ($1::text IS NULL OR c.id = $1) ORDER BY c.id`,
    [id ?? null],
  );
  if (id && !rows[0]) throw new NotFoundError('CollectionNotFound', `没有影像集合 / no imagery collection "${id}"`);
  return rows;
}

export function collectionDocument(c: CollectionRow, base: string): Record<string, unknown> {
  const stac = `${base}/stac`;
  const self = `${stac}/collections/${encodeURIComponent(c.id)}`;
  return {
    type: 'Collection',
    stac_version: STAC_VERSION,
    stac_extensions: EXTENSIONS.slice(0, 1),
    id: c.id,
    title: c.title,
    description: c.description,
    license: c.license,
    keywords: c.keywords,
    providers: c.providers,
    extent: {
      spatial: { bbox: [c.bbox ?? [118.0, 27.5, 122.5, 29.8]] },
      temporal: { interval: [[c.t0?.toISOString() ?? null, c.t1?.toISOString() ?? null]] },
    },
    summaries: {
      platform: c.platforms,
      instruments: c.instruments,
      gsd: [c.gsd_m],
      'eo:bands': c.bands.map((b) => ({ name: b.name, common_name: b.common_name, center_wavelength: b.center_wavelength })),
    },
    item_assets: { cog: { type: COG_MEDIA_TYPE, roles: ['data'], title: 'Cloud-Optimized GeoTIFF' } },
    numberOfItems: Number(c.items),
    'onemap:display': c.bands.map((b) => ({ name: b.name, common_name: b.common_name, display_min: b.display_min, display_max: b.display_max })),
    links: [
      { rel: 'self', href: self, type: 'application/json' },
      { rel: 'root', href: stac, type: 'application/json' },
      { rel: 'parent', href: stac, type: 'application/json' },
      { rel: 'items', href: `${self}/items`, type: 'application/geo+json' },
      { rel: 'xyz', href: `${base}/imagery/tiles/{z}/{x}/{y}.png?collections=${encodeURIComponent(c.id)}`, type: 'image/png', title: '按时间镶嵌 / time mosaic tiles' },
    ],
  };
}

export function landingDocument(base: string): Record<string, unknown> {
  const stac = `${base}/stac`;
  return {
    type: 'Catalog',
    stac_version: STAC_VERSION,
    id: 'onemap-imagery',
    title: '台州市多源遥感影像 / Taizhou multi-source imagery',
    description: '高分二号、Sentinel-2、Landsat 与航空正射影像目录（STAC API）/ GF-2, Sentinel-2, Landsat and aerial orthophoto scenes as a STAC API',
    conformsTo: STAC_CONFORMANCE,
    links: [
      { rel: 'self', href: stac, type: 'application/json' },
      { rel: 'root', href: stac, type: 'application/json' },
      { rel: 'conformance', href: `${stac}/conformance`, type: 'application/json' },
      { rel: 'data', href: `${stac}/collections`, type: 'application/json' },
      { rel: 'search', href: `${stac}/search`, type: 'application/geo+json', method: 'GET' },
      { rel: 'search', href: `${stac}/search`, type: 'application/geo+json', method: 'POST' },
      { rel: 'service-desc', href: `${base}/api`, type: 'application/vnd.oai.openapi+json;version=3.0' },
      { rel: 'service-doc', href: `${base}/`, type: 'text/html' },
    ],
  };
}
