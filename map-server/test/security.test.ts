/**
 * Issue 10 items 1–4 on the real platform: classification on every surface (a public caller
 * gets nothing of an internal layer, not even after a privileged caller warmed the tile cache),
 * department ownership, desensitisation by rule, login/logout/disabled users, and the audit log.
 * pipe_points is internal and owned by 住建局 (tz-zj): the example of an internal layer here.
 * pipe_segments (also 住建局) is public only through its desensitisation rules (migration 0088,
 * security-pipes.test.ts); the rules of migration 0081 drop depth, pressure and owner and
 * generalise geometry for other departments' staff.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { createPool, type Pool } from '../src/db.ts';
import { loadRules } from '../src/services/access-policy.ts';
import { compilePlans } from '../src/services/layer-plans.ts';
import { ANONYMOUS } from '../src/services/principal.ts';
import { buildSecurePlans } from '../src/services/secure-plans.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { createUser, disableUser } from '../src/services/users.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let pool: Pool;
const PASSWORD = 'Correct-Horse-9';
let adminToken: string;
let pipeStaffToken: string; // 住建局 staff: owner of the pipe layers
let waterStaffToken: string; // 水利局 staff: another department
let editorToken: string; // 住建局 editor, API token
let tile15: { z: number; x: number; y: number };
let segmentId: number;
let tile16: { z: number; x: number; y: number }; // holds an internal pipe point
let pointId: number;

async function login(username: string, password = PASSWORD) {
  const r = await fetch(`${platform.baseUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return { status: r.status, json: (await r.json()) as { token: string; user: { username: string; role: string; department: string | null } } };
}

const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${platform.baseUrl}${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

/** A problem body without the parts that name the request (id, path) or the layer asked for. */
async function problemShape(r: Response, name: string): Promise<unknown> {
  const body = (await r.json()) as Record<string, unknown>;
  const text = JSON.stringify({ ...body, requestId: undefined, instance: undefined }).replaceAll(name, '<id>');
  return { status: r.status, type: r.headers.get('content-type'), body: JSON.parse(text) };
}

function lonLatToTile(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}

beforeAll(async () => {
  platform = await startTestPlatform({ TILE_CACHE: 'memory' });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 2, statementTimeoutMs: 10_000 });
  await createUser(pool, { username: 'admin1', displayName: '管理员', role: 'admin', department: null, password: PASSWORD });
  await createUser(pool, { username: 'zj_staff', displayName: '住建员工', role: 'staff', department: 'tz-zj', password: PASSWORD });
  await createUser(pool, { username: 'sl_staff', displayName: '水利员工', role: 'staff', department: 'tz-sl', password: PASSWORD });
  const zjEditor = await createUser(pool, { username: 'zj_editor', displayName: '住建编辑', role: 'editor', department: 'tz-zj', password: PASSWORD });
  adminToken = (await login('admin1')).json.token;
  pipeStaffToken = (await login('zj_staff')).json.token;
  waterStaffToken = (await login('sl_staff')).json.token;
  editorToken = await createApiToken(pool, 'zj-editor-client', 'editor', 1, { userId: zjEditor.id });
  const { rows } = await db.query<{ id: number; lon: number; lat: number }>(
    `SELECT id, ST_X(ST_LineInterpolatePoint(geom, 0.5)) AS lon, ST_Y(ST_LineInterpolatePoint(geom, 0.5)) AS lat FROM pipe.segments WHERE owner_unit IS NOT NULL AND start_depth IS NOT NULL ORDER BY id LIMIT 1`,
  );
  segmentId = rows[0]!.id;
  tile15 = lonLatToTile(rows[0]!.lon, rows[0]!.lat, 15);
  const points = await db.query<{ id: number; lon: number; lat: number }>(
    `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM pipe.points WHERE owner_unit IS NOT NULL AND depth IS NOT NULL ORDER BY id LIMIT 1`,
  );
  pointId = points.rows[0]!.id;
  tile16 = lonLatToTile(points.rows[0]!.lon, points.rows[0]!.lat, 16);
});
afterAll(async () => {
  await pool?.end();
  await db?.end();
  await platform?.close();
});

describe('classification: the public gets nothing of an internal layer (pipe_points)', () => {
  it('warms the tile cache as the owner department first, then finds public tile requests empty-handed on every tile surface', async () => {
    const { z, x, y } = tile16;
    const path = `/tiles/pipe_points/${z}/${x}/${y}.mvt`;
    const warm = await get(path, adminToken, { 'Accept-Encoding': 'gzip' });
    expect(warm.status).toBe(200);
    const fullBytes = Buffer.from(await warm.arrayBuffer());
    const again = await get(path, pipeStaffToken);
    expect(again.headers.get('x-tile-cache')).toBe('hit');
    // A signed-in caller's answers are never for a shared cache.
    expect(again.headers.get('cache-control')).toMatch(/^private\b/);
    expect(again.headers.get('vary')).toMatch(/Authorization/);
    expect(Buffer.from(await again.arrayBuffer()).includes('owner_unit')).toBe(true);
    expect(fullBytes.length).toBeGreaterThan(0);

    const missing = await problemShape(await get(`/tiles/no_such_layer/${z}/${x}/${y}.mvt`), 'no_such_layer');
    // Hot path (plain URL, gzip or not), Koa path (query string), composites, TileJSON.
    for (const [p, headers] of [
      [path, { 'Accept-Encoding': 'gzip' }],
      [path, {}],
      [`${path}?datetime=2024-01-01T00:00:00Z`, {}],
    ] as const) {
      const r = await get(p, undefined, headers);
      expect(await problemShape(r, 'pipe_points')).toEqual(missing);
    }
    const composite = await get(`/tiles/roads,pipe_points/${z}/${x}/${y}.mvt`);
    expect(composite.status).toBe(404);
    expect(await composite.text()).not.toMatch(/owner_unit|depth/);
    expect((await get('/tiles/pipe_points.json')).status).toBe(404);
    // OGC API Tiles: dataset tiles leave the layer out; collection tiles do not exist.
    const dataset = Buffer.from(await (await get(`/tiles/WebMercatorQuad/${z}/${y}/${x}`)).arrayBuffer());
    expect(dataset.includes('pipe_points')).toBe(false);
    expect(dataset.includes('owner_unit')).toBe(false);
    expect((await get(`/collections/pipe_points/tiles/WebMercatorQuad/${z}/${y}/${x}`)).status).toBe(404);
    expect((await get('/collections/pipe_points/tiles')).status).toBe(404);
    expect(await (await get('/tiles')).text()).not.toContain('pipe_points');
    const cgcs = await get('/collections/pipe_points/tiles/CGCS2000Quad/14/3000/13000');
    expect(cgcs.status).toBe(404);
    // The privileged tile is still served to its owner afterwards (cache untouched by the refusals).
    expect(Buffer.from(await (await get(path, adminToken, { 'Accept-Encoding': 'gzip' })).arrayBuffer()).equals(fullBytes)).toBe(true);
  });

  it('leaves the layer out of the catalogue, the collections, the OpenAPI document and the dataset', async () => {
    for (const p of ['/catalog', '/collections', '/api', '/tiles']) {
      const text = await (await get(p)).text();
      expect(text, p).not.toContain('pipe_points');
    }
    expect(await (await get('/catalog', pipeStaffToken)).text()).toContain('pipe_points');
    // A theme group whose layers are all hidden is hidden too: the pipes group with both
    // layers internal (as they were before migration 0088).
    const internalPipes = { ...catalog, layers: catalog.layers.map((l) => (l.group === 'pipes' ? { ...l, classification: 'internal' as const } : l)) };
    const view = buildSecurePlans(await compilePlans(pool, internalPipes), await loadRules(pool)).viewFor(ANONYMOUS);
    expect(view.catalog.groups.map((g) => g.id)).not.toContain('pipes');
    expect(view.catalog.groups.map((g) => g.id)).toContain('base');
    const groups = ((await (await get('/catalog')).json()) as { groups: { id: string }[] }).groups.map((g) => g.id);
    expect(groups).toContain('pipes'); // pipe_segments, generalised
  });

  it('answers features, queryables, export and history exactly as for a missing layer, and analyses with 401', async () => {
    const pairs: [string, string][] = [
      ['/collections/pipe_points', '/collections/no_such_layer'],
      ['/collections/pipe_points/items?limit=1', '/collections/no_such_layer/items?limit=1'],
      [`/collections/pipe_points/items/${pointId}`, `/collections/no_such_layer/items/${pointId}`],
      ['/collections/pipe_points/queryables', '/collections/no_such_layer/queryables'],
      ['/collections/pipe_points/export?f=csv', '/collections/no_such_layer/export?f=csv'],
      [`/collections/pipe_points/items/${pointId}/history`, `/collections/no_such_layer/items/${pointId}/history`],
      ['/changes/pipe_points?from=2019&to=2023', '/changes/no_such_layer?from=2019&to=2023'],
    ];
    for (const [hidden, missing] of pairs) {
      const a = await problemShape(await get(hidden), 'pipe_points');
      const b = await problemShape(await get(missing), 'no_such_layer');
      expect(a, hidden).toEqual(b);
    }
    const burst = await get(`/pipes/burst?segment=${segmentId}`);
    expect(burst.status).toBe(401);
    const text = await burst.text();
    expect(text).not.toMatch(/owner_unit|depth|isolated/);
    // Signed in, other departments' staff get 403: the analyses are for the pipeline departments.
    const staff = await get(`/pipes/burst?segment=${segmentId}`, waterStaffToken);
    expect(staff.status).toBe(403);
    expect(await staff.text()).not.toMatch(/owner_unit|depth|isolated|coordinates/);
  });

  it('refuses a bad bearer token with 401 rather than serving it as the public', async () => {
    const r = await get('/catalog', 'om_' + 'x'.repeat(43));
    expect(r.status).toBe(401);
    expect((await get('/catalog', 'not-a-token')).status).toBe(401);
  });
});

describe('department ownership and desensitisation', () => {
  it('shows the owner department every published attribute in features and export', async () => {
    const items = (await (await get('/collections/pipe_segments/items?limit=5', pipeStaffToken)).json()) as { features: { properties: Record<string, unknown> }[] };
    expect(items.features.length).toBe(5);
    expect(Object.keys(items.features[0]!.properties)).toEqual(expect.arrayContaining(['start_depth', 'end_depth', 'pressure_mpa', 'owner_unit']));
    const csv = await (await get('/collections/pipe_segments/export?f=csv&bbox=121.0,28.0,122.0,29.5', pipeStaffToken)).text();
    expect(csv.split('\n')[0]).toContain('owner_unit');
  });

  it('gives other departments the desensitised view: no depth, pressure or owner; coarse coordinates; tiles only up to z15', async () => {
    const r = await get('/collections/pipe_segments/items?limit=5', waterStaffToken);
    expect(r.status).toBe(200);
    const items = (await r.json()) as { features: { geometry: { coordinates: number[][] }; properties: Record<string, unknown> }[] };
    expect(items.features.length).toBe(5);
    for (const f of items.features) {
      expect(Object.keys(f.properties)).not.toEqual(expect.arrayContaining(['start_depth']));
      for (const k of ['start_depth', 'end_depth', 'pressure_mpa', 'owner_unit']) expect(f.properties).not.toHaveProperty(k);
      for (const c of f.geometry.coordinates.flat()) expect(Math.abs(c * 1000 - Math.round(c * 1000))).toBeLessThan(1e-6);
    }
    const one = await (await get(`/collections/pipe_segments/items/${segmentId}`, waterStaffToken)).text();
    expect(one).not.toMatch(/owner_unit|start_depth/);
    const csv = await (await get('/collections/pipe_segments/export?f=csv&bbox=121.0,28.0,122.0,29.5', waterStaffToken)).text();
    expect(csv.split('\n')[0]).not.toMatch(/owner_unit|depth|pressure/);
    expect((await get('/collections/pipe_segments/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4549', waterStaffToken)).status).toBe(400);
    const q = await (await get('/collections/pipe_segments/queryables', waterStaffToken)).text();
    expect(q).not.toMatch(/owner_unit|start_depth/);
    // Tiles: the cache holds the owner's tile for the same z/x/y (warmed here): not handed out.
    const { z, x, y } = tile15;
    const owners = Buffer.from(await (await get(`/tiles/pipe_segments/${z}/${x}/${y}.mvt`, pipeStaffToken)).arrayBuffer());
    expect(owners.includes('owner_unit')).toBe(true);
    const t = await get(`/tiles/pipe_segments/${z}/${x}/${y}.mvt`, waterStaffToken);
    expect(t.status).toBe(200);
    const bytes = Buffer.from(await t.arrayBuffer());
    expect(bytes.includes('owner_unit')).toBe(false);
    expect(bytes.includes('start_depth')).toBe(false);
    expect(bytes.includes('line_no')).toBe(true);
    const z16 = lonLatToTile(0, 0, 16); // any z16 tile: beyond the staff view's zoom range
    expect((await get(`/tiles/pipe_segments/16/${z16.x}/${z16.y}.mvt`, waterStaffToken)).status).toBe(404);
    const catalog = (await (await get('/catalog', waterStaffToken)).json()) as { layers: { id: string; maxzoom: number; properties: { name: string }[] }[] };
    const seg = catalog.layers.find((l) => l.id === 'pipe_segments')!;
    expect(seg.maxzoom).toBe(15);
    expect(seg.properties.map((p) => p.name)).not.toContain('owner_unit');
  });

  it('coarsens personal data by rule: addresses of user points for the public, plates of city vehicles outside 城管', async () => {
    await db.query(`INSERT INTO base.user_points (name, category, address, geom) VALUES ('测试点', 'poi', '椒江区市府大道 1 号 3 单元 502 室', ST_SetSRID(ST_MakePoint(121.42, 28.66), 4490))`);
    const pub = (await (await get('/collections/user_points/items?limit=50')).json()) as { features: { properties: Record<string, unknown> }[] };
    const mine = pub.features.find((f) => f.properties['name'] === '测试点');
    expect(mine?.properties['address']).toBe('椒江区市府大道***');
    expect(JSON.stringify(pub)).not.toContain('502');
    // A filter sees the coarse values too: it cannot probe the exact address.
    const probe = (await (await get(`/collections/user_points/items?filter=${encodeURIComponent("address LIKE '%502%'")}`)).json()) as { numberMatched: number };
    expect(probe.numberMatched).toBe(0);
    expect(await (await get('/collections/user_points/export?f=csv')).text()).not.toContain('502');
    const full = await (await get('/collections/user_points/items?limit=50', adminToken)).text();
    expect(full).toContain('市府大道 1 号 3 单元 502 室');
    const staffVehicles = await get('/collections/city_vehicles/items?limit=3', waterStaffToken);
    expect(staffVehicles.status).toBe(200);
    const sv = (await staffVehicles.json()) as { features: { properties: Record<string, unknown> }[] };
    expect(sv.features.length).toBeGreaterThan(0);
    for (const f of sv.features) expect(f.properties['plate']).toMatch(/^.{2}\*\*\*$/u);
    const av = (await (await get('/collections/city_vehicles/items?limit=3', adminToken)).json()) as { features: { properties: Record<string, unknown> }[] };
    expect(av.features[0]!.properties['plate']).not.toContain('*');
    expect((await get('/collections/city_vehicles/items?limit=3')).status).toBe(404);
    // Numbers rounded for other departments: pipe diameters to 100 mm.
    const pipes = (await (await get('/collections/pipe_segments/items?limit=50', waterStaffToken)).json()) as { features: { properties: { diameter_mm: number | null } }[] };
    const diameters = pipes.features.map((f) => f.properties.diameter_mm).filter((d): d is number => d !== null);
    expect(diameters.length).toBeGreaterThan(0);
    for (const d of diameters) {
      expect(typeof d).toBe('number'); // a rounded integer stays an integer
      expect(d % 100).toBe(0);
    }
  });

  it('lets an editor write only its own department’s layers', async () => {
    const feature = {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [[[121.43, 28.66], [121.4304, 28.66], [121.4304, 28.6604], [121.43, 28.6604], [121.43, 28.66]]] },
      properties: { use: 'residential', floors: 3, height_m: 9, year_built: 2024, district_adcode: '331002', name: '测试楼' },
    };
    const post = (layer: string, token: string) =>
      fetch(`${platform.baseUrl}/collections/${layer}/items`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(feature) });
    expect((await post('buildings', editorToken)).status).toBe(201); // buildings: 住建局
    expect((await post('buildings', pipeStaffToken)).status).toBe(403); // staff read only
    const roads = await post('roads', editorToken); // roads: 交通运输局
    expect(roads.status).toBe(403);
  });
});

describe('login, logout, disabled users', () => {
  it('logs in, shows who is signed in, logs out and refuses the ended session', async () => {
    expect((await login('zj_staff', 'wrong-password-1')).status).toBe(401);
    expect((await login('nobody', PASSWORD)).status).toBe(401);
    const { status, json } = await login('zj_staff');
    expect(status).toBe(200);
    expect(json.token).toMatch(/^os_[A-Za-z0-9_-]{43}$/);
    const me = (await (await get('/auth/me', json.token)).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ name: 'zj_staff', role: 'staff', department: 'tz-zj', displayName: '住建员工' });
    expect(await (await get('/auth/me')).json()).toMatchObject({ role: 'public', name: 'anonymous' });
    const out = await fetch(`${platform.baseUrl}/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${json.token}` } });
    expect(out.status).toBe(204);
    expect((await get('/auth/me', json.token)).status).toBe(401);
  });

  it('throttles guessing: after 10 failures in 15 minutes a user name is locked (429), even with the right password', async () => {
    await createUser(pool, { username: 'guessed', displayName: '被猜', role: 'staff', department: 'tz-sl', password: PASSWORD });
    for (let i = 0; i < 10; i++) expect((await login('guessed', `Wrong-guess-${i}`)).status).toBe(401);
    const locked = await fetch(`${platform.baseUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'guessed', password: PASSWORD }) });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect((await locked.json()) as object).not.toHaveProperty('token');
    expect((await login('zj_staff')).status).toBe(200); // other users are unaffected
  });

  it('stores only scrypt hashes of passwords and SHA-256 of tokens', async () => {
    const { rows } = await db.query<{ password_hash: string }>(`SELECT password_hash FROM auth.users WHERE username = 'zj_staff'`);
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(rows[0]!.password_hash).not.toContain(PASSWORD);
    const s = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.sessions WHERE octet_length(token_sha256) = 32`);
    expect(s.rows[0]!.n).toBeGreaterThan(0);
  });

  it('refuses a disabled user at login and ends the sessions and tokens it had', async () => {
    const u = await createUser(pool, { username: 'temp_user', displayName: '临时', role: 'editor', department: 'tz-zj', password: PASSWORD });
    const session = (await login('temp_user')).json.token;
    const token = await createApiToken(pool, 'temp-client', 'editor', 1, { userId: u.id });
    expect((await get('/collections/pipe_segments/items?limit=1', session)).status).toBe(200);
    expect(await disableUser(pool, 'temp_user')).toBe(true);
    expect((await get('/collections/pipe_segments/items?limit=1', session)).status).toBe(401);
    expect((await get('/collections/pipe_segments/items?limit=1', token)).status).toBe(401);
    expect((await login('temp_user')).status).toBe(401);
  });
});

describe('audit', () => {
  it('records restricted reads, writes and logins with who, what and where — and never a secret', async () => {
    await get(`/collections/pipe_segments/items/${segmentId}`, waterStaffToken);
    const { rows } = await db.query<{ actor: string; action: string; path: string; layers: string[]; classification: string | null; client_ip: string | null; status: number }>(
      `SELECT actor, action, path, layers, classification, host(client_ip) AS client_ip, status FROM audit.events ORDER BY id`,
    );
    const read = rows.find((r) => r.action === 'read' && r.actor === 'sl_staff' && r.path === `/collections/pipe_segments/items/${segmentId}`);
    expect(read).toMatchObject({ layers: ['pipe_segments'], classification: 'internal', client_ip: '127.0.0.1', status: 200 });
    expect(rows.some((r) => r.action === 'write' && r.actor === 'zj_editor' && r.path === '/collections/buildings/items' && r.status === 201)).toBe(true);
    expect(rows.some((r) => r.action === 'write' && r.actor === 'zj_editor' && r.path === '/collections/roads/items' && r.status === 403)).toBe(true);
    expect(rows.some((r) => r.action === 'login' && r.actor === 'zj_staff')).toBe(true);
    expect(rows.some((r) => r.action === 'login_failed')).toBe(true);
    expect(rows.some((r) => r.action === 'logout')).toBe(true);
    // Public reads of public layers are not audited; refused reads of hidden layers leave no layer trace.
    expect(rows.some((r) => r.actor === 'anonymous' && r.layers.includes('pipe_segments'))).toBe(false);
    const all = JSON.stringify((await db.query('SELECT * FROM audit.events')).rows);
    for (const secret of [PASSWORD, 'wrong-password-1', adminToken, pipeStaffToken, waterStaffToken, editorToken]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/o[ms]_[A-Za-z0-9_-]{43}/);
  });

  it('lets administrators, and only them, query the log with filters', async () => {
    expect((await get('/admin/audit')).status).toBe(401);
    expect((await get('/admin/audit', pipeStaffToken)).status).toBe(403);
    const r = await get('/admin/audit?actor=sl_staff&action=read&layer=pipe_segments&limit=5', adminToken);
    expect(r.status).toBe(200);
    const { events } = (await r.json()) as { events: { actor: string; action: string; layers: string[] }[] };
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(5);
    for (const e of events) expect(e).toMatchObject({ actor: 'sl_staff', action: 'read', layers: expect.arrayContaining(['pipe_segments']) });
    expect((await get('/admin/audit?limit=0', adminToken)).status).toBe(400);
    expect((await get('/admin/audit?from=yesterday', adminToken)).status).toBe(400);
  });
});
