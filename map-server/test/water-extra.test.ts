const ctx = usePlatform();

/**
 * 水利 additions on the real server and PostGIS: isohyet bands (IDW, rainfall classes as data,
 * clipped to the city) and the SensorThings API 1.1 subset under /sta/v1.1.
 */
import { describe, expect, it } from 'vitest';
import { usePlatform } from './support/platform.ts';

async function get(path: string) {
  const res = await fetch(`${ctx.platform.baseUrl}${path}`);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : undefined };
}
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await ctx.db.query(sql, params)).rows[0] as T;

interface Band {
  geometry: unknown;
  properties: { class_code: string; min_mm: number; max_mm: number | null; interpolated_min_mm: number; interpolated_max_mm: number };
}

describe('isohyets', () => {
  const T = '2024-09-16T08:00:00+08:00';
  let doc: { features: Band[]; interpolation: { method: string; power: number }; stations: { stcd: string; lon: number; lat: number; total: number }[] };

  it('returns IDW (power 2) rainfall bands with min_mm/max_mm from hydro.rain_class', async () => {
    const r = await get(`/water/isohyets?datetime=${encodeURIComponent(T)}&hours=24`);
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/geo+json');
    doc = r.json;
    expect(doc.interpolation).toMatchObject({ method: 'IDW', power: 2 });
    expect(doc.features.length).toBeGreaterThan(1);
    const classes = (await ctx.db.query(`SELECT min_mm, max_mm FROM hydro.rain_class WHERE window_h = 24 ORDER BY min_mm`)).rows;
    for (const f of doc.features) {
      if (f.properties.class_code === 'none') continue;
      expect(classes).toContainEqual({ min_mm: f.properties.min_mm, max_mm: f.properties.max_mm });
    }
    // station totals are the SQL accumulation
    const s = doc.stations[0]!;
    const sql = await one<{ v: number }>(
      `SELECT round(coalesce(hydro.sum_between(d.id, $2::timestamptz - interval '24 hours', $2::timestamptz), 0)::numeric, 1)::float8 AS v FROM hydro.datastream d WHERE d.stcd = $1 AND d.element = 'DRP'`,
      [s.stcd, T],
    );
    expect(s.total).toBe(sql.v);
  }, 60_000);

  it('bands are valid closed polygons, do not overlap, and together cover the city', async () => {
    const r = await one<{ valid: boolean; closed: boolean; overlap: number; area: number; city: number }>(
      `WITH f AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(x->>'geometry'), 4490) AS g FROM json_array_elements($1::json) x),
            city AS (SELECT ST_Union(geom) AS g FROM base.districts)
       SELECT bool_and(ST_IsValid(f.g)) AS valid,
              bool_and((SELECT bool_and(ST_IsClosed(ST_ExteriorRing(p.geom))) FROM ST_Dump(f.g) p)) AS closed,
              (SELECT coalesce(sum(ST_Area(ST_Intersection(a.g, b.g)::geography)), 0) FROM f a, f b WHERE a.g < b.g OR (NOT ST_Equals(a.g, b.g) AND ST_AsBinary(a.g) < ST_AsBinary(b.g)))::float8 AS overlap,
              sum(ST_Area(f.g::geography))::float8 AS area, (SELECT ST_Area(g::geography) FROM city)::float8 AS city
         FROM f`,
      [JSON.stringify(doc.features)],
    );
    expect(r.valid).toBe(true);
    expect(r.closed).toBe(true);
    expect(r.overlap / r.city).toBeLessThan(1e-6);
    expect(Math.abs(r.area - r.city) / r.city).toBeLessThan(0.002);
  }, 60_000);

  it('the band at each station location brackets that station accumulated value (within IDW smoothing)', async () => {
    const r = await ctx.db.query<{ stcd: string; total: number; min_mm: number; max_mm: number | null }>(
      `WITH f AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(x->>'geometry'), 4490) AS g, (x->'properties'->>'min_mm')::float8 AS min_mm, (x->'properties'->>'max_mm')::float8 AS max_mm
                    FROM json_array_elements($1::json) x),
            s AS (SELECT x->>'stcd' AS stcd, (x->>'total')::float8 AS total, ST_SetSRID(ST_MakePoint((x->>'lon')::float8, (x->>'lat')::float8), 4490) AS p FROM json_array_elements($2::json) x)
       SELECT s.stcd, s.total, f.min_mm, f.max_mm FROM s JOIN f ON ST_Intersects(f.g, s.p)`,
      [JSON.stringify(doc.features), JSON.stringify(doc.stations)],
    );
    expect(r.rows.length).toBeGreaterThan(100);
    const bracketed = r.rows.filter((x) => x.total >= x.min_mm && (x.max_mm === null || x.total < x.max_mm)).length;
    // IDW smooths: stations whose total lies well inside a band (≥ 20 % of its width from either
    // edge) must sit in that band; every station lies in its band or an adjacent one.
    expect(bracketed / r.rows.length).toBeGreaterThan(0.9);
    for (const x of r.rows) {
      const width = x.max_mm === null ? Infinity : x.max_mm - x.min_mm;
      const wellInside = x.total >= x.min_mm + 0.2 * width && (x.max_mm === null || x.total <= x.max_mm - 0.2 * width);
      if (wellInside) expect(x.total >= x.min_mm && (x.max_mm === null || x.total < x.max_mm)).toBe(true);
      // otherwise at most one band away: within one band width of the band's edges
      const slack = Number.isFinite(width) ? width : x.min_mm;
      expect(x.total).toBeGreaterThanOrEqual(x.min_mm - Math.max(slack, 25));
      if (x.max_mm !== null) expect(x.total).toBeLessThan(x.max_mm + Math.max(slack, 25));
    }
  }, 60_000);

  it('accepts a rainfall day and rejects bad parameters', async () => {
    const r = await get('/water/isohyets?day=2024-09-15');
    expect(r.status).toBe(200);
    expect(r.json.day).toBe('2024-09-15');
    expect(r.json.features.length).toBeGreaterThan(1);
    expect((await get('/water/isohyets?day=2024-09-15&hours=3')).status).toBe(400);
    expect((await get('/water/isohyets?hours=0')).status).toBe(400);
    expect((await get('/water/isohyets?bogus=1')).status).toBe(400);
  }, 60_000);
});

/** Follows a SensorThings link (the server's public base URL may differ from the test's). */
const sta = (pathOrLink: string) => {
  const u = new URL(pathOrLink, 'http://x');
  return get(`${u.pathname}${u.search}`);
};
const STA = '/sta/v1.1';

describe('SensorThings API', () => {
  it('lists the entity sets at the service root', async () => {
    const r = await sta(STA);
    expect(r.status).toBe(200);
    expect(r.json.value.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['Things', 'Locations', 'Datastreams', 'Sensors', 'ObservedProperties', 'Observations']));
  });

  it('Things: $count matches the database, entities carry @iot control information, nextLink paging covers all', async () => {
    const n = await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.st_stbprp_b WHERE stcd ~ '^[0-9]+$'`);
    const first = await sta(`${STA}/Things?$count=true&$top=40`);
    expect(first.status).toBe(200);
    expect(first.json['@iot.count']).toBe(n.n);
    expect(first.json.value).toHaveLength(40);
    const t = first.json.value[0];
    expect(t['@iot.selfLink']).toMatch(new RegExp(`/sta/v1\\.1/Things\\(${t['@iot.id']}\\)$`));
    expect(t['Datastreams@iot.navigationLink']).toBe(`${t['@iot.selfLink']}/Datastreams`);
    expect(t['Locations@iot.navigationLink']).toBe(`${t['@iot.selfLink']}/Locations`);
    expect(t.name).toBeTruthy();
    const ids = new Set<number>(first.json.value.map((x: { '@iot.id': number }) => x['@iot.id']));
    let link: string | undefined = first.json['@iot.nextLink'];
    let pages = 1;
    while (link) {
      const page = await sta(link);
      expect(page.status).toBe(200);
      for (const x of page.json.value) ids.add(x['@iot.id']);
      link = page.json['@iot.nextLink'];
      if (++pages > 50) throw new Error('paging does not end');
    }
    expect(ids.size).toBe(n.n);
    const one1 = await sta(`${STA}/Things(${t['@iot.id']})`);
    expect(one1.json['@iot.id']).toBe(t['@iot.id']);
    expect((await sta(`${STA}/Things(1)`)).status).toBe(404);
  });

  it('Things(id)/Datastreams and $expand=Datastreams,Locations match the database', async () => {
    const st = await one<{ stcd: string; n: number }>(`SELECT d.stcd, count(*)::int AS n FROM hydro.datastream d WHERE d.stcd ~ '^[0-9]+$' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`);
    const r = await sta(`${STA}/Things(${Number(st.stcd)})/Datastreams?$count=true`);
    expect(r.status).toBe(200);
    expect(r.json['@iot.count']).toBe(st.n);
    expect(r.json.value[0].unitOfMeasurement).toMatchObject({ name: expect.any(String), symbol: expect.any(String) });
    expect(r.json.value[0]['Observations@iot.navigationLink']).toMatch(/Datastreams\(\d+\)\/Observations$/);
    const e = await sta(`${STA}/Things(${Number(st.stcd)})?$expand=Datastreams,Locations`);
    expect(e.json.Datastreams).toHaveLength(st.n);
    expect(e.json.Locations).toHaveLength(1);
    expect(e.json.Locations[0].location.type).toBe('Point');
    expect(e.json.Locations[0].encodingType).toBe('application/geo+json');
    const page = await sta(`${STA}/Things?$top=3&$expand=Datastreams`);
    for (const t of page.json.value) {
      const c = await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.datastream WHERE stcd = lpad($1::text, 8, '0')`, [t['@iot.id']]);
      expect(t.Datastreams).toHaveLength(c.n);
    }
    const ds = await sta(`${STA}/Datastreams(${r.json.value[0]['@iot.id']})/Thing`);
    expect(ds.json['@iot.id']).toBe(Number(st.stcd));
  });

  it('Sensors, ObservedProperties and Locations are listed with counts from the code tables', async () => {
    const el = await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.code_element`);
    for (const set of ['Sensors', 'ObservedProperties']) {
      const r = await sta(`${STA}/${set}?$count=true`);
      expect(r.status).toBe(200);
      expect(r.json['@iot.count']).toBe(el.n);
      expect(r.json.value[0]['Datastreams@iot.navigationLink']).toBeTruthy();
    }
    const ds = await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.datastream WHERE stcd ~ '^[0-9]+$'`);
    expect((await sta(`${STA}/Datastreams?$count=true&$top=1`)).json['@iot.count']).toBe(ds.n);
  });

  it('Observations: time-window filter returns exactly the SQL count; paging, ordering and result filters work', async () => {
    const d = await one<{ id: number }>(`SELECT d.id FROM hydro.datastream d WHERE d.element = 'DRP' AND d.stcd ~ '^[0-9]+$' ORDER BY d.id LIMIT 1`);
    const from = '2024-09-15T00:00:00Z';
    const to = '2024-09-16T00:00:00Z';
    const want = await one<{ n: number; pos: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE value > 1)::int AS pos FROM hydro.obs WHERE datastream_id = $1 AND tm >= $2 AND tm < $3`,
      [d.id, from, to],
    );
    expect(want.n).toBeGreaterThan(200);
    const base = `${STA}/Datastreams(${d.id})/Observations?$filter=${encodeURIComponent(`phenomenonTime ge ${from} and phenomenonTime lt ${to}`)}`;
    const r = await sta(`${base}&$count=true&$top=100&$orderby=${encodeURIComponent('phenomenonTime desc')}`);
    expect(r.status).toBe(200);
    expect(r.json['@iot.count']).toBe(want.n);
    const o = r.json.value[0];
    expect(o).toHaveProperty('resultTime', null);
    expect(typeof o.result).toBe('number');
    // a 5-min rainfall total is the interval [TM − 5 min, TM]; the window filters on TM
    expect(o.phenomenonTime).toMatch(/^2024-09-15T23:[45]\d:00Z\/2024-09-15T23:5\d:00Z$/);
    expect(o['Datastream@iot.navigationLink']).toMatch(/Observations\(\d+\)\/Datastream$/);
    // every page through nextLink, in descending order, covering the window exactly once
    const seen: string[] = [];
    let link: string | undefined = `${base}&$top=100&$orderby=${encodeURIComponent('phenomenonTime desc')}`;
    while (link) {
      const page = await sta(link);
      for (const x of page.json.value) seen.push(x.phenomenonTime);
      link = page.json['@iot.nextLink'];
    }
    expect(seen).toHaveLength(want.n);
    expect(new Set(seen).size).toBe(want.n);
    expect([...seen].sort().reverse()).toEqual(seen);
    const pos = await sta(`${STA}/Datastreams(${d.id})/Observations?$count=true&$top=1&$filter=${encodeURIComponent(`result gt 1 and phenomenonTime ge ${from} and phenomenonTime lt ${to}`)}`);
    expect(pos.json['@iot.count']).toBe(want.pos);
    const quoted = await sta(`${STA}/Datastreams(${d.id})/Observations?$count=true&$top=1&$filter=${encodeURIComponent(`result gt '1' and phenomenonTime ge ${from} and phenomenonTime lt ${to}`)}`);
    expect(quoted.json['@iot.count']).toBe(want.pos);
    const byId = await sta(`${STA}/Observations(${o['@iot.id']})`);
    expect(byId.status).toBe(200);
    expect(byId.json.result).toBe(o.result);
    const all = await sta(`${STA}/Observations?$top=2`);
    expect(all.json.value).toHaveLength(2);
    expect(all.json['@iot.nextLink']).toContain('$skip=2');
  }, 60_000);

  it('rejects unknown or unsupported query options and bad values with a 400 problem, and bound values defeat injection', async () => {
    for (const q of ['$select=name', 'foo=1', '$top=10001', '$top=-1', '$orderby=bogus', '$expand=Observations', "$filter=name eq 'x' or id gt 1", '$filter=result gt x', '$count=yes']) {
      const r = await sta(`${STA}/Things?${q.split('=')[0]}=${encodeURIComponent(q.slice(q.indexOf('=') + 1))}`);
      expect(r.status, q).toBe(400);
      expect(r.type).toContain('problem+json');
    }
    const inj = await sta(`${STA}/Things?$filter=${encodeURIComponent("name eq 'x'' OR 1=1 --'")}&$count=true`);
    expect(inj.status).toBe(200);
    expect(inj.json['@iot.count']).toBe(0);
    expect((await sta(`${STA}/Nothing`)).status).toBe(404);
  });
});
