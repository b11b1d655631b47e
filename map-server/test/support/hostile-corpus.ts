/**
 * The hostile input corpus (issue 10 item 6): values for path segments and query parameters,
 * request bodies, and the patterns that would betray a leak in an answer. Raw values are
 * already percent-encoded where they go into a URL, so invalid encodings reach the server.
 */

const enc = encodeURIComponent;

/** Path segment values (raw, inserted verbatim into the URL). */
export const hostilePathValues: readonly string[] = [
  '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '..',
  '%2e%2e%2f%2e%2e%2fpackage.json',
  enc("1'; DROP TABLE base.buildings; --"),
  enc('1 OR 1=1'),
  '-1',
  '99999999999999999999999',
  '1e309',
  'NaN',
  '0x10',
  '1.5',
  '%00',
  '%ZZ',
  '%E4%B8',
  enc('<script>alert(1)</script>'),
  enc('台州'),
  'a'.repeat(3000),
  enc('buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings'),
  enc('pg_catalog.pg_authid'),
];

/** Query parameter values (raw, inserted verbatim after `name=`). */
export const hostileQueryValues: readonly string[] = [
  '',
  '%20',
  enc("'; DROP TABLE base.buildings; --"),
  enc("name = 'x' OR 1=1 --"),
  enc("S_INTERSECTS(geom, POLYGON((0 0, 1 1, 0 0)))"),
  enc('{"op":"=","args":[{"property":"pg_sleep(100)"},1]}'),
  enc('../../../../etc/passwd'),
  '%00',
  '%ZZ',
  '%E4%B8',
  'NaN',
  '-Infinity',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  enc('-1e308,-1e308,1e308,1e308'),
  enc('180,90,-180,-90'),
  enc('121.4,28.6,121.5'),
  enc('9999-99-99T99:99:99Z'),
  enc('2024-02-31'),
  enc('2019-01-01/..'),
  enc('../2024-01-01/x'),
  enc('x'.repeat(8000)),
  enc('[]'),
  enc('{"__proto__":{"polluted":true}}'),
  enc('POINT(121.4 28.6)'),
  enc('http://169.254.169.254/latest/meta-data/'),
  enc('EPSG:999999'),
  enc('-id,+name,;DELETE'),
];

export interface HostileBody {
  readonly name: string;
  readonly type: string;
  readonly body: string | Buffer;
  readonly size?: 'huge';
}

const ring = (n: number, lon = 121.43, lat = 28.66, r = 0.001) => {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) pts.push([lon + r * Math.cos((2 * Math.PI * i) / n), lat + r * Math.sin((2 * Math.PI * i) / n)]);
  pts.push(pts[0]!);
  return pts;
};
const feature = (geometry: unknown, properties: unknown = { use: 'residential', floors: 3 }) => JSON.stringify({ type: 'Feature', geometry, properties });

/** Request bodies; built on demand (the huge ones are megabytes). */
export function hostileBodies(): HostileBody[] {
  const json = 'application/json';
  const geo = 'application/geo+json';
  let deep = '';
  for (let i = 0; i < 100_000; i++) deep += '[';
  return [
    { name: 'malformed-json', type: json, body: '{"type": "Feature", "geometry": ' },
    { name: 'empty', type: json, body: '' },
    { name: 'null', type: json, body: 'null' },
    { name: 'array', type: json, body: '[]' },
    { name: 'number', type: json, body: '42' },
    { name: 'string', type: json, body: '"str"' },
    { name: 'bom-json', type: json, body: '\uFEFF{}' },
    { name: 'deep-nesting', type: json, body: deep },
    { name: 'proto-pollution', type: json, body: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}' },
    { name: 'wrong-geometry-type', type: geo, body: feature({ type: 'Hexagon', coordinates: [[0, 0]] }) },
    { name: 'coordinates-string', type: geo, body: feature({ type: 'Polygon', coordinates: 'abc' }) },
    { name: 'bowtie', type: geo, body: feature({ type: 'Polygon', coordinates: [[[121.4, 28.6], [121.41, 28.61], [121.41, 28.6], [121.4, 28.61], [121.4, 28.6]]] }) },
    { name: 'unclosed-ring', type: geo, body: feature({ type: 'Polygon', coordinates: [[[121.4, 28.6], [121.41, 28.6], [121.41, 28.61]]] }) },
    { name: 'infinite-coords', type: geo, body: '{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,-1e999]},"properties":{}}' },
    { name: 'out-of-range-coords', type: geo, body: feature({ type: 'Polygon', coordinates: [[[500, 100], [501, 100], [501, 101], [500, 100]]] }) },
    { name: 'empty-geometry', type: geo, body: feature({ type: 'MultiPolygon', coordinates: [] }) },
    { name: 'null-geometry', type: geo, body: feature(null) },
    { name: 'wrong-property-types', type: geo, body: feature({ type: 'Polygon', coordinates: [ring(8)] }, { floors: 'many', height_m: [1], year_built: { y: 1 }, name: 12, use: null }) },
    { name: 'sql-in-properties', type: geo, body: feature({ type: 'Polygon', coordinates: [ring(8)] }, { name: "'); DROP TABLE base.buildings; --", "use'; --": 1 }) },
    { name: 'wrong-members', type: json, body: JSON.stringify({ area: 'POLYGON((0 0,1 1,0 0))', depth_m: 'deep', line: [1, 2], points: 3, lines: null, observations: {}, dataArray: 'x' }) },
    { name: 'plain-text', type: 'text/plain', body: "SELECT * FROM auth.api_tokens; --" },
    { name: 'csv-garbage', type: 'text/csv', body: 'stcd,tm,z\n"unterminated,2024-13-45,abc\n\u0000,,\n' },
    { name: 'xml', type: 'application/xml', body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
    { name: 'no-content-type', type: '', body: '{}' },
    { name: 'huge-geometry', type: geo, size: 'huge', body: feature({ type: 'Polygon', coordinates: [ring(150_000)] }) },
    { name: 'oversized-body', type: json, size: 'huge', body: Buffer.alloc(12 * 1024 * 1024, 0x20) },
  ];
}

/**
 * What a leak looks like: a stack frame, a source or system path, PostgreSQL's own words,
 * or the content of a system file. Returns the first match, or undefined.
 */
export function leakIn(body: string): string | undefined {
  const patterns: [string, RegExp][] = [
    ['a stack frame', /\bat (?:[\w.<>$[\] ]+ \()?(?:file:\/\/|node:|\/)[^\s)]+:\d+:\d+/],
    ['a source path', /\/(?:work|root|home|usr|var|tmp)\/[\w./-]+\.(?:ts|js|mjs|sql)\b|node_modules\/|node:internal/],
    ['PostgreSQL error text', /syntax error at or near|relation \\?"[^"\\]+\\?" does not exist|column \\?"[^"\\]+\\?" does not exist|invalid input syntax for|current transaction is aborted|ERROR:\s{1,2}\w|\bSQLSTATE\b|LINE \d+:/],
    // Our own SQL (hostile input echoed in an error message is not a leak, so look for idioms of
    // the server's statements rather than for SELECT … FROM).
    ['SQL text', /\b(?:ST_AsMVT|ST_AsMVTGeom|ST_TileEnvelope|ST_Transform|ST_MakeEnvelope|upper_inf|tstzrange)\s*\(|\$\d+::[a-z]/],
    ['a system file', /root:x:0:0|"name":\s*"onemap"/],
    ['a secret', /om_[A-Za-z0-9_-]{43}|postgres:\/\/[^\s"]*@/],
  ];
  for (const [what, re] of patterns) {
    const m = re.exec(body);
    if (m) return `${what}: ${body.slice(Math.max(0, m.index - 60), m.index + 120)}`;
  }
  return undefined;
}
