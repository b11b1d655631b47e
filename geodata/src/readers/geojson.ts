/**
 * GeoJSON: a FeatureCollection, a Feature, a bare geometry or an array of features; the
 * legacy `crs` member (GeoJSON 2008, still written by GDAL and Chinese tools) is honoured.
 */
import { ReadError, type Dataset, type ReadLimits, type SourceFeature, type SourceGeometry } from './dataset.ts';
import { inferFieldType } from './property-types.ts';

/** EPSG code of a CRS name: urn:ogc:def:crs:EPSG::4549, EPSG:4549, …/EPSG/0/4549, CRS84 → 4326. */
export function sridOfCrsName(name: string): number | undefined {
  if (/CRS84$/i.test(name.trim())) return 4326;
  const m = /EPSG(?::{1,2}|\/0\/|\/)(\d{4,6})$/i.exec(name.trim());
  return m ? Number(m[1]) : undefined;
}

/** Fields and their inferred types over every feature's properties. */
export function fieldsOf(features: readonly SourceFeature[]): Dataset['fields'] {
  const names = new Map<string, unknown[]>();
  for (const f of features) for (const [k, v] of Object.entries(f.properties)) (names.get(k) ?? names.set(k, []).get(k)!).push(v);
  return [...names].map(([name, values]) => ({ name, type: inferFieldType(values) }));
}

export function readGeoJsonText(text: string, limits: ReadLimits, format: Dataset['format'] = 'geojson'): Dataset {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ReadError('MalformedJson', `GeoJSON 无法解析 / the GeoJSON is not valid JSON: ${(err as Error).message.slice(0, 160)}`);
  }
  const obj = doc as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  let list: unknown[];
  if (Array.isArray(doc)) list = doc;
  else if (obj?.type === 'FeatureCollection' && Array.isArray(obj.features)) list = obj.features;
  else if (obj?.type === 'Feature') list = [doc];
  else if (typeof obj?.type === 'string' && obj.type !== 'FeatureCollection') list = [{ type: 'Feature', geometry: doc, properties: {} }];
  else throw new ReadError('NotGeoJson', '不是 GeoJSON 要素集合 / not a GeoJSON FeatureCollection, Feature or geometry');
  if (list.length > limits.maxFeatures)
    throw new ReadError('TooManyFeatures', `文件有 ${list.length} 个要素，超过上限 ${limits.maxFeatures} / the file has ${list.length} features, more than the ${limits.maxFeatures} one import may hold`, 413, { maxFeatures: limits.maxFeatures });
  const crsName = obj?.crs?.properties?.name;
  const declaredSrid = typeof crsName === 'string' ? sridOfCrsName(crsName) : undefined;
  const features: SourceFeature[] = list.map((f, i) => {
    const feat = f as { type?: unknown; geometry?: unknown; properties?: unknown };
    const props = feat?.properties !== null && typeof feat?.properties === 'object' && !Array.isArray(feat.properties) ? (feat.properties as Record<string, unknown>) : {};
    if (feat?.type !== 'Feature') return { row: i + 1, geometry: null, properties: props, problem: '不是 Feature / not a Feature' };
    if (feat.geometry === null || feat.geometry === undefined) return { row: i + 1, geometry: null, properties: props, problem: '没有几何 / no geometry' };
    return { row: i + 1, geometry: feat.geometry as SourceGeometry, properties: props };
  });
  const notes = declaredSrid !== undefined ? [`crs declared in the file: EPSG:${declaredSrid}`] : [];
  return { format, features, fields: fieldsOf(features), declaredSrid, notes };
}
