/**
 * 水功能区 and 取水许可 on the real server and PostGIS: GB 3838-2002 class evaluation at the
 * class boundaries (DO ≥, NH3-N ≤, lake TP), overall class = worst parameter, zone target check,
 * and over-permit detection against a hand computation.
 */
import { describe, expect, it } from 'vitest';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform();

async function get(path: string) {
  const res = await fetch(`${ctx.platform.baseUrl}${path}`);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function classOf(parameter: string, body: string, value: number): Promise<string | null> {
  const { rows } = await ctx.db.query('SELECT hydro.gb3838_class_name(hydro.gb3838_class($1, $2, $3)) AS c', [parameter, body, value]);
  return rows[0].c;
}

describe('GB 3838-2002 class evaluation', () => {
  it('DO (higher is better): ≥ limit, boundaries inclusive', async () => {
    const cases: [number, string][] = [[9, 'I'], [7.5, 'I'], [7.49, 'II'], [6, 'II'], [5.99, 'III'], [5, 'III'], [3, 'IV'], [2.99, 'V'], [2, 'V'], [1.99, '劣V'], [0, '劣V']];
    for (const [v, c] of cases) expect(await classOf('DO', 'river', v), `DO ${v}`).toBe(c);
  });

  it('NH3-N (lower is better): ≤ limit, boundaries inclusive', async () => {
    const cases: [number, string][] = [[0, 'I'], [0.15, 'I'], [0.16, 'II'], [0.5, 'II'], [0.51, 'III'], [1.0, 'III'], [1.5, 'IV'], [1.51, 'V'], [2.0, 'V'], [2.01, '劣V']];
    for (const [v, c] of cases) expect(await classOf('NH3-N', 'river', v), `NH3-N ${v}`).toBe(c);
    // COD: I and II share 15 mg/L, so 15 is class I
    expect(await classOf('COD', 'river', 15)).toBe('I');
    expect(await classOf('COD', 'river', 15.1)).toBe('III');
  });

  it('TP differs for lakes/reservoirs; TN is evaluated for lakes only', async () => {
    expect(await classOf('TP', 'river', 0.05)).toBe('II');
    expect(await classOf('TP', 'lake', 0.05)).toBe('III');
    expect(await classOf('TP', 'lake', 0.025)).toBe('II');
    expect(await classOf('TP', 'lake', 0.026)).toBe('III');
    expect(await classOf('TP', 'lake', 0.2)).toBe('V');
    expect(await classOf('TP', 'river', 0.2)).toBe('III');
    expect(await classOf('TP', 'lake', 0.21)).toBe('劣V');
    expect(await classOf('TN', 'lake', 1.0)).toBe('III');
    expect(await classOf('TN', 'river', 1.0)).toBeNull();
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n, bool_and(verified) AS v FROM hydro.gb3838_limits WHERE source LIKE 'GB 3838-2002%'`);
    expect(rows[0]).toEqual({ n: 6 * 5 * 2 + 5, v: true });
  });

  it('overall class = worst parameter; zone meets its target only when overall ≤ target', async () => {
    await ctx.db.query(`INSERT INTO hydro.wf_zone (code, name, level1, water_body, target_class, geom)
      VALUES ('T-LAKE', '测试湖库', '保护区', 'lake', 2, ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(121.1, 28.9), 4490), 0.01)))`);
    // t1: DO 7.5 (I), NH3-N 0.5 (II), TP 0.025 (lake II), TN 0.5 (II) → II, meets II
    // t2: DO 7.5 (I), NH3-N 0.15 (I), TP 0.03 (lake III; river would be II), TN 0.2 (I) → III, fails II
    await ctx.db.query(`INSERT INTO hydro.wq_sample (zone_code, station, sampled_at, parameter, value) VALUES
      ('T-LAKE', 'S', '2025-01-01T00:00Z', 'DO', 7.5), ('T-LAKE', 'S', '2025-01-01T00:00Z', 'NH3-N', 0.5),
      ('T-LAKE', 'S', '2025-01-01T00:00Z', 'TP', 0.025), ('T-LAKE', 'S', '2025-01-01T00:00Z', 'TN', 0.5),
      ('T-LAKE', 'S', '2025-02-01T00:00Z', 'DO', 7.5), ('T-LAKE', 'S', '2025-02-01T00:00Z', 'NH3-N', 0.15),
      ('T-LAKE', 'S', '2025-02-01T00:00Z', 'TP', 0.03), ('T-LAKE', 'S', '2025-02-01T00:00Z', 'TN', 0.2)`);
    const { rows } = await ctx.db.query(`SELECT class_name, meets, exceeding FROM hydro.wq_sample_overall WHERE zone_code = 'T-LAKE' ORDER BY sampled_at`);
    expect(rows).toEqual([
      { class_name: 'II', meets: true, exceeding: null },
      { class_name: 'III', meets: false, exceeding: ['TP'] },
    ]);
    const s = await get('/water/zones/T-LAKE/samples');
    expect(s.status).toBe(200);
    expect(s.json.targetClass).toBe('II');
    expect(s.json.samples[1].parameters).toEqual([
      { parameter: 'DO', value: 7.5, class: 'I' },
      { parameter: 'NH3-N', value: 0.15, class: 'I' },
      { parameter: 'TN', value: 0.2, class: 'I' },
      { parameter: 'TP', value: 0.03, class: 'III' },
    ]);
    const z = await get('/water/zones');
    const t = z.json.features.find((f: { id: string }) => f.id === 'T-LAKE');
    expect(t.properties).toMatchObject({ targetClass: 'II', latestClass: 'III', meets: false });
    expect((await get('/water/zones/NOPE/samples')).status).toBe(404);
  });

  it('serves the sample zones: a year of samples, failures, one zone failing at its latest sample', async () => {
    const z = await get('/water/zones');
    expect(z.status).toBe(200);
    const sample = z.json.features.filter((f: { id: string }) => f.id.startsWith('TZ-WFZ-'));
    expect(sample.length).toBe(4);
    expect(sample.some((f: { properties: { waterBody: string } }) => f.properties.waterBody === 'lake')).toBe(true);
    expect(sample.filter((f: { properties: { meets: boolean } }) => !f.properties.meets).map((f: { id: string }) => f.id)).toEqual(['TZ-WFZ-02']);
    const { rows } = await ctx.db.query(`SELECT zone_code, count(*)::int AS n, count(*) FILTER (WHERE NOT meets)::int AS fails FROM hydro.wq_sample_overall WHERE zone_code LIKE 'TZ-WFZ-%' GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => r.n)).toEqual([12, 12, 12, 12]);
    expect(rows.reduce((a, r) => a + r.fails, 0)).toBe(3);
  });
});

describe('取水许可 over-permit detection', () => {
  it('year-to-date vs pro-rata and annual permit matches a hand computation', async () => {
    await ctx.db.query(`INSERT INTO hydro.withdrawal_permit (permit_no, holder, water_source, use_type, annual_quota_m3, valid_from, valid_to, geom)
      VALUES ('TEST-0001', '测试取水户', '地表水', '工业', 366000, '2024-01-01', '2024-12-31', ST_SetSRID(ST_MakePoint(121.4, 28.6), 4490))`);
    await ctx.db.query(`INSERT INTO hydro.withdrawal_meter VALUES ('TM-1', 'TEST-0001', '超声'), ('TM-2', 'TEST-0001', '电磁')`);
    // Jan + Feb on two meters: 40 000 + 25 000 + 10 000 = 75 000 m³ (a March reading is outside the window)
    await ctx.db.query(`INSERT INTO hydro.withdrawal_reading VALUES
      ('TM-1', '2024-01-01T00:00+08', '2024-02-01T00:00+08', 40000),
      ('TM-1', '2024-02-01T00:00+08', '2024-03-01T00:00+08', 25000),
      ('TM-2', '2024-01-01T00:00+08', '2024-03-01T00:00+08', 10000),
      ('TM-1', '2024-03-01T00:00+08', '2024-04-01T00:00+08', 400000)`);
    // as of 2024-03-01: 60 days of 366 → pro-rata 366 000 × 60/366 = 60 000 m³; 75 000 > 60 000, < 366 000
    const { rows } = await ctx.db.query(`SELECT * FROM hydro.withdrawal_status(2024, '2024-03-01T00:00+08') WHERE permit_no = 'TEST-0001'`);
    expect(rows[0].withdrawn_m3).toBe(75000);
    expect(rows[0].prorata_quota_m3).toBeCloseTo(60000, 6);
    expect(rows[0].ratio).toBeCloseTo(75000 / 366000, 12);
    expect(rows[0]).toMatchObject({ over_prorata: true, over_annual: false });
    // as of 2024-04-01: 475 000 > 366 000 annual
    const apr = await ctx.db.query(`SELECT holder, withdrawn_m3, over_annual FROM hydro.over_permit_holders(2024, '2024-04-01T00:00+08') WHERE permit_no = 'TEST-0001'`);
    expect(apr.rows).toEqual([{ holder: '测试取水户', withdrawn_m3: 475000, over_annual: true }]);
    // not valid in 2025 → not listed
    expect((await ctx.db.query(`SELECT 1 FROM hydro.withdrawal_status(2025, '2025-06-01T00:00+08') WHERE permit_no = 'TEST-0001'`)).rowCount).toBe(0);
  });

  it('GET /water/permits?year=2024 lists the sample permits with exactly one sample holder over', async () => {
    const r = await get('/water/permits?year=2024');
    expect(r.status).toBe(200);
    const sample = r.json.permits.filter((p: { permitNo: string }) => p.permitNo.startsWith('QS3310-2024-'));
    expect(sample.length).toBe(10);
    const over = sample.filter((p: { over: boolean }) => p.over);
    expect(over.map((p: { permitNo: string }) => p.permitNo)).toEqual(['QS3310-2024-004']);
    // 004: quota 480 000, 12 × round(40 000 × 1.3) = 624 000 → ratio 1.3
    expect(over[0]).toMatchObject({ annualQuotaM3: 480000, withdrawnM3: 624000, ratio: 1.3, overAnnual: true, prorataQuotaM3: 480000 });
    expect((await get('/water/permits?year=abc')).status).toBe(400);
  });
});
