/**
 * `/api` documents every route the server answers: the Koa routers actually mounted are
 * walked (each `@koa/router` layer's path and methods) and every (method, path) must be an
 * operation of the document; the document is valid OpenAPI 3.0 (swagger-parser, plus the
 * structural rules it does not enforce); documented query parameters are exactly what the
 * routes accept (the server's UnknownParameter problem lists what it allows).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type Router from '@koa/router';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { PLATFORM_ROUTES } from '../src/services/platform-openapi.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const OPENAPI = 'application/vnd.oai.openapi+json;version=3.0';
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'] as const;

interface Parameter {
  readonly $ref?: string;
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: { readonly enum?: readonly string[]; readonly pattern?: string; readonly type?: string };
}
interface Operation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly Parameter[];
  readonly security?: readonly Record<string, unknown>[];
}
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>> & { readonly parameters?: readonly Parameter[] };
interface Doc {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Routes answered but intentionally not an operation of their own, each with why.
 * Keys are `METHOD path` in router syntax.
 */
const NOT_DOCUMENTED_AS_IS: Readonly<Record<string, string>> = {
  // The SensorThings wildcard: parsePath accepts /Set, /Set(id) and /Set(id)/Relation only,
  // documented as the three templated paths below (asserted in the test).
  'GET /sta/v1.1/{*rest}': 'documented as /sta/v1.1/{entitySet}, /{entitySet}({id}) and /{entitySet}({id})/{relation}',
};
const STA_EXPANSION = ['/sta/v1.1/{entitySet}', '/sta/v1.1/{entitySet}({id})', '/sta/v1.1/{entitySet}({id})/{relation}'];

/** `:name` (and the OpenAPI `{name}`) as `{}`: parameter names differ between routers and the document. */
const shape = (path: string) => {
  const p = path.replace(/:[A-Za-z_$][\w$]*/g, '{}').replace(/\{[A-Za-z_$][\w$]*\}/g, '{}');
  return p.length > 1 ? p.replace(/\/$/, '') : p;
};

let platform: TestPlatform;
let pool: pg.Pool;
let doc: Doc;
let adminToken: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  pool = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
  adminToken = await createApiToken(pool, 'openapi-coverage', 'admin', 1);
  const res = await fetch(`${platform.baseUrl}/api`);
  expect(res.headers.get('content-type')).toBe(OPENAPI);
  doc = (await res.json()) as Doc;
});

afterAll(async () => {
  await pool?.end();
  await platform?.close();
});

/** Every (METHOD, router path) the mounted routers answer. */
function mountedRoutes(): { method: string; path: string }[] {
  const routers = platform.app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => r !== undefined);
  expect(routers.length).toBeGreaterThanOrEqual(18);
  const out: { method: string; path: string }[] = [];
  for (const router of new Set(routers))
    for (const layer of router.stack) {
      // router.use() middleware (pipes' sign-in gate) has no methods: not a route.
      if (!layer.methods.length) continue;
      for (const method of layer.methods) {
        // @koa/router answers HEAD for every GET by itself; documented HEADs are checked below.
        if (method === 'HEAD' && layer.methods.includes('GET')) continue;
        out.push({ method, path: String(layer.path) });
      }
    }
  return out;
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]!, item })));

const resolveRef = <T,>(ref: string): T => ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as T;
const deref = (p: Parameter): Parameter => (p.$ref ? resolveRef<Parameter>(p.$ref) : p);
const paramsOf = (item: PathItem, op: Operation) => [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);

describe('/api covers the routers', () => {
  it('documents every (method, path) a mounted router answers', () => {
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${shape(o.path)}`));
    const routes = mountedRoutes();
    expect(routes.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (key in NOT_DOCUMENTED_AS_IS) continue;
      if (!documented.has(`${r.method} ${shape(r.path)}`)) missing.push(key);
    }
    expect(missing).toEqual([]);
    // The allow-list holds only routes that exist, and the STA wildcard's expansion is there.
    for (const key of Object.keys(NOT_DOCUMENTED_AS_IS)) expect(routes.map((r) => `${r.method} ${r.path}`), key).toContain(key);
    for (const path of STA_EXPANSION) expect(doc.paths[path]?.get, path).toBeDefined();
  });

  it('documents nothing the routers do not answer', () => {
    const routes = mountedRoutes();
    const answered = new Set(routes.map((r) => `${r.method} ${shape(r.path)}`));
    const phantom = operations()
      .filter((o) => !(o.method === 'head' && answered.has(`GET ${shape(o.path)}`)))
      .filter((o) => !(o.path.startsWith('/sta/v1.1/') && STA_EXPANSION.includes(o.path)))
      .filter((o) => !answered.has(`${o.method.toUpperCase()} ${shape(o.path)}`))
      .map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(phantom).toEqual([]);
  });

  it('covers the themes with bilingual summaries and security on the routes that need a signed-in caller', () => {
    const ops = operations();
    const tags = new Set(ops.flatMap((o) => o.op.tags));
    for (const t of ['水利 Hydrology', '管线 Pipelines', '影像 Imagery', '规划 Planning', '城管 City', '导入 Imports', '认证 Auth', '运维 Operations']) expect(tags, t).toContain(t);
    for (const r of PLATFORM_ROUTES) {
      const op = doc.paths[r.path]?.[r.method] as (Operation & { summary: string; responses: Record<string, unknown> }) | undefined;
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.summary, r.operationId).toBe(`${r.zh} / ${r.en}`);
      expect(r.zh, r.operationId).toMatch(/[\u4e00-\u9fff]/);
      expect(r.en, r.operationId).toMatch(/^[A-Z]/);
      if (r.auth === 'required') expect(op!.security, r.operationId).toEqual([{ bearerAuth: [] }]);
      if (r.auth === 'required') expect(Object.keys(op!.responses), r.operationId).toContain('401');
    }
    // Spot checks against the route files: every /pipes route needs sign-in; reads of hydrology do not.
    for (const o of ops.filter((x) => x.path.startsWith('/pipes/'))) expect(o.op.security, o.path).toEqual([{ bearerAuth: [] }]);
    // …and all but the category dictionary are for the pipeline departments: 403 for other staff.
    for (const o of ops.filter((x) => x.path.startsWith('/pipes/') && x.path !== '/pipes/categories')) expect(Object.keys((o.op as Operation & { responses: object }).responses), o.path).toContain('403');
    expect(doc.paths['/water/status']!.get!.security).toBeUndefined();
    expect(doc.paths['/imports']!.post!.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe('/api is valid OpenAPI 3.0', () => {
  it('passes swagger-parser validation', async () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    // Another view (an administrator: every layer) is its own document, valid too, with the same platform part.
    const admin = (await (await fetch(`${platform.baseUrl}/api`, { headers: { Authorization: `Bearer ${adminToken}` } })).json()) as Doc;
    expect(Object.keys(admin.paths).length).toBe(Object.keys(doc.paths).length);
    expect(JSON.stringify(admin.paths['/collections/{collectionId}/items']!.post)).toBe(JSON.stringify(doc.paths['/collections/{collectionId}/items']!.post));
    expect(JSON.stringify(admin.components['parameters']!['collectionId'])).not.toBe(JSON.stringify(doc.components['parameters']!['collectionId']));
    await expect(SwaggerParser.validate(structuredClone(admin) as never)).resolves.toBeDefined();
  });

  it('has unique operationIds, resolvable $refs and every path parameter declared', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const r of refs) expect(resolveRef(r.slice(8, -1)), r).toBeDefined();
    for (const { path, method, op, item } of operations()) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = paramsOf(item, op).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(templated);
      for (const p of declared) expect(p.required, `${method} ${path} ${p.name}`).toBe(true);
    }
  });

  it('names no hidden layer and no classified property for an anonymous caller', async () => {
    const text = JSON.stringify(doc);
    const visible = new Set(((await (await fetch(`${platform.baseUrl}/collections`)).json()) as { collections: { id: string }[] }).collections.map((c) => c.id));
    const hidden = catalog.layers.filter((l) => !visible.has(l.id));
    expect(hidden.length).toBeGreaterThan(0);
    for (const l of hidden) expect(text, l.id).not.toContain(l.id);
    // The desensitised pipe properties (security-pipes.test.ts) appear nowhere in the document.
    expect(text).not.toMatch(/start_depth|end_depth|pressure|owner_unit|depth/);
  });
});

describe('documented query parameters are what the routes accept', () => {
  /** A value for each path parameter that passes the route's own format check. */
  const SAMPLE: Readonly<Record<string, string>> = {
    stcd: '70100100', id: '1', code: '3310020100000001', no: '33100201000001', cid: 'sentinel-2-l2a', iid: 'x', file: 'x.tif',
    z: '10', x: '1', y: '1', tile: '1.png', layers: 'roads', layerId: 'landcover', entitySet: 'Things', relation: 'Datastreams',
    collectionId: 'roads', featureId: '1',
  };
  const concrete = (path: string) => path.replace(/\{([^}]+)\}/g, (_, n: string) => SAMPLE[n] ?? 'x');

  it('answers an undocumented parameter with 400 UnknownParameter listing exactly the documented ones', async () => {
    const checked: string[] = [];
    let listed = 0;
    for (const r of PLATFORM_ROUTES) {
      if (r.method === 'head') continue;
      // The SensorThings root does not read its query (there is nothing to page or filter).
      if (r.path === '/sta/v1.1') continue;
      const headers: Record<string, string> = { Authorization: `Bearer ${adminToken}` };
      let body: string | undefined;
      if (r.body) {
        headers['Content-Type'] = Object.keys(r.body.content).find((t) => t.includes('json')) ?? Object.keys(r.body.content)[0]!;
        body = headers['Content-Type'].includes('json') ? '{}' : '';
      }
      const res = await fetch(`${platform.baseUrl}${concrete(r.path)}?zzUndocumented=1`, { method: r.method.toUpperCase(), headers, ...(body !== undefined ? { body } : {}) });
      const problem = (await res.json()) as { code: string; allowed?: string[]; unsupported?: string[] };
      expect(res.status, `${r.method} ${r.path}: ${JSON.stringify(problem)}`).toBe(400);
      const documented = (r.parameters ?? []).map((p) => deref(p as Parameter)).filter((p) => p.in === 'query').map((p) => p.name).sort();
      if (problem.code === 'UnknownParameter') {
        expect([...(problem.allowed ?? [])].sort(), `${r.method} ${r.path}`).toEqual(documented);
        listed++;
      }
      // SensorThings names its system query options in `unsupported`; the documented ones are them.
      else expect(problem.unsupported, `${r.method} ${r.path}`).toEqual(['zzUndocumented']);
      checked.push(r.operationId);
    }
    expect(checked.length).toBeGreaterThan(80);
    expect(listed).toBeGreaterThan(checked.length - 5);
  });

  it('accepts documented parameters and refuses values outside their enums and ranges', async () => {
    const get = (path: string) => fetch(`${platform.baseUrl}${path}`);
    const param = (path: string, name: string) => doc.paths[path]!.get!.parameters!.map(deref).find((p) => p.name === name);
    expect(param('/water/alarms', 'state')!.schema!.enum).toEqual(['open', 'all']);
    expect((await get('/water/alarms?state=all&limit=5')).status).toBe(200);
    expect((await get('/water/alarms?state=closed')).status).toBe(400);
    expect((await get('/water/permits?year=2024')).status).toBe(200);
    expect((await get('/water/permits?year=1999')).status).toBe(400);
    expect(param('/stac/search', 'limit')).toBeDefined();
    expect((await get('/stac/search?limit=2&f=json')).status).toBe(200);
    expect((await get('/city/parking?datetime=2024-05-01')).status).toBe(200);
    expect(param('/city/components/stats', 'by')!.schema!.enum).toEqual(['street', 'grid', 'district']);
    expect((await get('/city/components/stats?by=grid')).status).toBe(200);
    expect((await get('/city/components/stats?by=city')).status).toBe(400);
    // Required parameters are required: /city/energy without from/to is a 400.
    expect(param('/city/energy', 'from')!.required).toBe(true);
    expect((await get('/city/energy')).status).toBe(400);
    // Anonymous callers get 401 from the routes documented as needing a signed-in caller.
    for (const path of ['/pipes/categories', '/imports/1', '/auth/logout'].map((p) => [p, p === '/auth/logout' ? 'POST' : 'GET'] as const)) {
      const res = await fetch(`${platform.baseUrl}${path[0]}`, { method: path[1] });
      expect(res.status, path[0]).toBe(401);
    }
  });
});
