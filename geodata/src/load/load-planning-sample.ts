/**
 * The planning sample (domain.md §6.5 "Planning"), generated inside PostGIS from the loaded base
 * geography so every layer sits where it would:
 *
 * - 生态保护红线: forest patches of the current land cover in the catchments around the sample
 *   reservoirs (水源涵养) and the large forested hills touching the towns (生物多样性维护);
 * - 城镇开发边界: one area per cluster of built-up land cover (≥ 4 km² built up), the concave
 *   hull of the cluster minus the red line;
 * - 永久基本农田: cropland patches outside the development boundary;
 * - 控规地块: the blocks between the sample streets inside the development boundary, set back
 *   from the street centre lines, with a 2023 用地用海 code chosen by distance to the county
 *   seat (commerce in the centre, housing around it, industry at the edge) and a stable hash.
 *
 * Two editions of each plan (`planning.plan_versions`): 三区三线 2022 and its 2025 adjustment
 * (the central boundary grows eastwards; the farmland it swallows is closed), 控规 2021 and
 * its 2024 revision (some industrial blocks become housing or parks). Rows superseded by an
 * edition end at its effective instant, so "the plan as of T" is `valid @> T`.
 *
 * Deterministic (hashes of feature ids, no random()); one transaction; replaces any previous
 * planning sample (reviews are kept). Needs the base sample.
 */
import type pg from 'pg';

/** The plan editions of the sample, oldest first per family. */
export const PLANNING_SAMPLE_VERSIONS = [
  { id: 'sqsx-2022', family: 'sqsx', name: '台州市"三区三线"划定成果', nameEn: 'Taizhou three zones and three lines (2022)', approvalNo: '自然资办函〔2022〕2207号', approvedOn: '2022-10-14' },
  { id: 'sqsx-2025', family: 'sqsx', name: '台州市"三区三线"局部优化调整', nameEn: 'Taizhou three zones and three lines, 2025 adjustment', approvalNo: '浙自然资函〔2025〕31号', approvedOn: '2025-03-20' },
  { id: 'kg-2021', family: 'kg', name: '台州市中心城区控制性详细规划', nameEn: 'Taizhou central city regulatory detailed plan (2021)', approvalNo: '台政函〔2021〕58号', approvedOn: '2021-06-18' },
  { id: 'kg-2024', family: 'kg', name: '台州市中心城区控制性详细规划(修编)', nameEn: 'Taizhou central city regulatory detailed plan, 2024 revision', approvalNo: '台政函〔2024〕112号', approvedOn: '2024-09-26' },
] as const;

export interface PlanningLoadReport {
  readonly ecoRedline: number;
  readonly basicFarmland: number;
  readonly urbanBoundary: number;
  readonly parcels: number;
  readonly totalMs: number;
}

const TABLES = ['eco_redline', 'basic_farmland', 'urban_boundary', 'parcels'] as const;
const LAYER_OF: Record<(typeof TABLES)[number], string> = {
  eco_redline: 'plan_eco_redline',
  basic_farmland: 'plan_basic_farmland',
  urban_boundary: 'plan_urban_boundary',
  parcels: 'plan_parcels',
};

const eff = (id: string) => `(SELECT effective_from FROM planning.plan_versions WHERE id = '${id}')`;
const h = (expr: string, salt: string) => `((hashtext((${expr})::text || '${salt}') & 2147483647) % 100)`;

// Work tables in EPSG:4549 metres (domain.md §5.1), dropped at commit.
const WORK_SQL = [
  `CREATE TEMP TABLE plan_bu ON COMMIT DROP AS
     SELECT ST_ClusterDBSCAN(g, 400, 1) OVER () AS cid, g
       FROM (SELECT ST_Transform(geom, 4549) AS g FROM base.land_cover WHERE upper_inf(valid) AND class_code = '0500') x`,
  `CREATE TEMP TABLE plan_hull ON COMMIT DROP AS
     SELECT row_number() OVER (ORDER BY sum(ST_Area(g)) DESC) AS n, ST_ConcaveHull(ST_Collect(g), 0.2) AS g
       FROM plan_bu GROUP BY cid HAVING sum(ST_Area(g)) > 4e6`,
  // Red line: forest within ~5 km of a reservoir, or large forest patches touching a town's hull.
  `CREATE TEMP TABLE plan_rl ON COMMIT DROP AS
     SELECT row_number() OVER (ORDER BY l.fid) AS n, l.fid AS lc_fid, ST_Transform(l.geom, 4549) AS g,
            CASE WHEN EXISTS (SELECT 1 FROM base.water_areas w WHERE w.kind = 'reservoir' AND ST_DWithin(w.geom, l.geom, 0.05))
                 THEN '水源涵养' ELSE '生物多样性维护' END AS kind,
            (SELECT w.name FROM base.water_areas w WHERE w.kind = 'reservoir' ORDER BY w.geom <-> l.geom LIMIT 1) AS near_name
       FROM base.land_cover l
      WHERE upper_inf(l.valid) AND l.class_code = '0300'
        AND (EXISTS (SELECT 1 FROM base.water_areas w WHERE w.kind = 'reservoir' AND ST_DWithin(w.geom, l.geom, 0.05))
             OR (l.area_m2 > 1e6 AND EXISTS (SELECT 1 FROM plan_hull u WHERE ST_Intersects(u.g, ST_Transform(l.geom, 4549)))))`,
  `CREATE INDEX ON plan_rl USING gist (g)`,
  // Development boundary 2022: the hulls minus the red line.
  `CREATE TEMP TABLE plan_udb ON COMMIT DROP AS
     SELECT u.n, ST_Multi(ST_CollectionExtract(ST_MakeValid(COALESCE(ST_Difference(u.g, (SELECT ST_Union(r.g) FROM plan_rl r WHERE ST_Intersects(r.g, u.g))), u.g)), 3)) AS g
       FROM plan_hull u`,
  // 2025 adjustment: the largest boundary grows up to 800 m eastwards (a 6 km band east of its centre).
  `CREATE TEMP TABLE plan_udb2 ON COMMIT DROP AS
     SELECT u.n, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Difference(
              ST_Union(u.g, ST_Intersection(ST_Buffer(u.g, 800), ST_MakeEnvelope(ST_X(c), ST_Y(c) - 3000, ST_X(c) + 20000, ST_Y(c) + 3000, 4549))),
              COALESCE((SELECT ST_Union(r.g) FROM plan_rl r WHERE ST_DWithin(r.g, u.g, 800)), 'SRID=4549;POLYGON EMPTY'::geometry))), 3)) AS g
       FROM plan_udb u, LATERAL ST_Centroid(u.g) c WHERE u.n = 1`,
  `CREATE TEMP TABLE plan_seat ON COMMIT DROP AS SELECT ST_Transform(geom, 4549) AS g FROM base.place_names WHERE class = 'seat'`,
];

// Land-use mix by ring around the nearest county seat: [upper bucket (exclusive), code].
const MIX: Record<'centre' | 'middle' | 'edge', [number, string][]> = {
  centre: [[30, '0901'], [45, '0902'], [80, '070102'], [88, '0801'], [95, '1403'], [100, '1401']],
  middle: [[50, '070102'], [56, '070101'], [62, '0702'], [70, '080403'], [80, '0901'], [88, '1401'], [92, '080601'], [96, '1208'], [100, '1301']],
  edge: [[30, '100102'], [45, '100101'], [57, '1101'], [80, '070102'], [86, '1402'], [93, '1401'], [100, '1301']],
};

function mixCase(ring: keyof typeof MIX): string {
  return `CASE ${MIX[ring].map(([b, code]) => `WHEN bucket < ${b} THEN '${code}'`).join(' ')} END`;
}

// Indicators per 一级 class: FAR, density %, green %, height m.
const INDICATORS = `(VALUES ('07', 2.5, 28, 30, 80), ('08', 1.8, 35, 35, 45), ('09', 4.0, 45, 20, 150), ('10', 1.5, 50, 15, 30),
  ('11', 1.2, 50, 15, 24), ('12', 1.0, 30, 20, 24), ('13', 1.0, 35, 30, 24), ('14', 0.1, 5, 70, 12)) AS ind(cls, far, dens, green, height)`;

const LOAD_SQL = [
  // 生态保护红线 (one edition: unchanged by the 2025 adjustment).
  `INSERT INTO planning.eco_redline (fid, valid, code, name, kind, plan_version, area_m2, geom)
   SELECT n, tstzrange(${eff('sqsx-2022')}, NULL), 'STHX-331000-' || lpad(n::text, 4, '0'),
          CASE WHEN kind = '水源涵养' THEN near_name || '水源涵养生态保护红线' ELSE '城市山体生物多样性维护红线' END,
          kind, 'sqsx-2022', ST_Area(ST_Transform(g, 4490)::geography), ST_Multi(ST_Transform(g, 4490))
     FROM plan_rl`,
  // 城镇开发边界 2022, and the 2025 edition of the grown one.
  `INSERT INTO planning.urban_boundary (fid, valid, code, name, zone, plan_version, area_m2, geom)
   SELECT u.n, tstzrange(${eff('sqsx-2022')}, CASE WHEN u.n = 1 THEN ${eff('sqsx-2025')} END), 'CZKF-331000-' || lpad(u.n::text, 3, '0'),
          COALESCE((SELECT p.name FROM base.place_names p WHERE p.class = 'seat' AND p.name <> '台州市' ORDER BY ST_Transform(p.geom, 4549) <-> u.g LIMIT 1), '') || '城镇开发边界',
          '集中建设区', 'sqsx-2022', ST_Area(ST_Transform(u.g, 4490)::geography), ST_Transform(u.g, 4490)
     FROM plan_udb u WHERE NOT ST_IsEmpty(u.g)`,
  `INSERT INTO planning.urban_boundary (fid, valid, code, name, zone, plan_version, area_m2, geom, change_note)
   SELECT b.fid, tstzrange(${eff('sqsx-2025')}, NULL), b.code, b.name, b.zone, 'sqsx-2025', ST_Area(ST_Transform(u.g, 4490)::geography), ST_Transform(u.g, 4490), '2025 局部优化: 东扩'
     FROM plan_udb2 u JOIN planning.urban_boundary b ON b.fid = u.n`,
  // 永久基本农田: cropland ≥ 5 ha outside the 2022 boundary; patches the 2025 boundary reaches end then.
  `CREATE TEMP TABLE plan_fl ON COMMIT DROP AS
     SELECT row_number() OVER (ORDER BY l.fid) AS n, l.fid AS lc_fid,
            ST_Multi(ST_CollectionExtract(ST_MakeValid(COALESCE(ST_Difference(g0, (SELECT ST_Union(u.g) FROM plan_udb u WHERE ST_Intersects(u.g, g0))), g0)), 3)) AS g
       FROM base.land_cover l, LATERAL ST_Transform(l.geom, 4549) g0
      WHERE upper_inf(l.valid) AND l.class_code = '0100' AND l.area_m2 >= 5e4`,
  `DELETE FROM plan_fl WHERE ST_IsEmpty(g) OR ST_Area(g) < 5e4`,
  `INSERT INTO planning.basic_farmland (fid, valid, code, quality_grade, plan_version, area_m2, geom)
   SELECT f.n, tstzrange(${eff('sqsx-2022')}, CASE WHEN EXISTS (SELECT 1 FROM plan_udb2 u WHERE ST_Intersects(u.g, f.g)) THEN ${eff('sqsx-2025')} END),
          'JBNT-331000-' || lpad(f.n::text, 5, '0'), 2 + ${h('f.lc_fid', 'grade')} % 6, 'sqsx-2022', ST_Area(ST_Transform(f.g, 4490)::geography), ST_Transform(f.g, 4490)
     FROM plan_fl f`,
  `INSERT INTO planning.basic_farmland (fid, valid, code, quality_grade, plan_version, area_m2, geom, change_note)
   SELECT b.fid, tstzrange(${eff('sqsx-2025')}, NULL), b.code, b.quality_grade, 'sqsx-2025', ST_Area(ST_Transform(d, 4490)::geography), ST_Transform(d, 4490), '2025 局部优化: 调出城镇开发边界扩展区'
     FROM planning.basic_farmland b, plan_udb2 u,
          LATERAL ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Difference(ST_Transform(b.geom, 4549), u.g)), 3)) d
    WHERE b.plan_version = 'sqsx-2022' AND NOT upper_inf(b.valid) AND ST_Area(d) >= 5e4`,
  // 控规地块: street blocks (faces of the noded street network), set back 8 m, inside the 2022 boundary.
  `CREATE TEMP TABLE plan_face ON COMMIT DROP AS
     SELECT (ST_Dump(ST_Polygonize(g))).geom AS g
       FROM (SELECT ST_UnaryUnion(ST_Collect(ST_Transform(r.geom, 4549))) AS g FROM base.roads r WHERE upper_inf(r.valid)) x`,
  // Materialised first: inlined, the clipped geometry would be recomputed by every later use.
  `CREATE TEMP TABLE plan_pc0 ON COMMIT DROP AS
     SELECT CASE WHEN ST_Within(f.g, u.g) THEN ST_Multi(ST_Buffer(f.g, -8))
                 ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(ST_Buffer(f.g, -8), u.g)), 3)) END AS g
       FROM plan_face f JOIN plan_udb u ON ST_Intersects(f.g, u.g)
      WHERE ST_Area(f.g) BETWEEN 3000 AND 6e5`,
  `DELETE FROM plan_pc0 WHERE ST_IsEmpty(g) OR ST_Area(g) < 1500`,
  `CREATE TEMP TABLE plan_pc ON COMMIT DROP AS
     SELECT row_number() OVER (ORDER BY ST_XMin(p.g), ST_YMin(p.g)) AS n, p.g,
            (SELECT min(ST_Distance(s.g, p.g)) FROM plan_seat s) AS seat_m,
            EXISTS (SELECT 1 FROM base.water_areas w WHERE w.kind IN ('river', 'lake') AND ST_Intersects(w.geom, ST_Transform(p.g, 4490))) AS wet
       FROM plan_pc0 p`,
  `CREATE TEMP TABLE plan_pc_lu ON COMMIT DROP AS
     SELECT n, g, CASE WHEN wet THEN '1401'
                       WHEN seat_m < 1500 THEN ${mixCase('centre')}
                       WHEN seat_m < 4500 THEN ${mixCase('middle')}
                       ELSE ${mixCase('edge')} END AS code1,
            bucket2
       FROM plan_pc, LATERAL (SELECT ${h('n', 'lu')} AS bucket, ${h('n', 'rev')} AS bucket2) b`,
  // The 2024 revision: 退二进三 (a third of industrial blocks become housing), a few new parks.
  `ALTER TABLE plan_pc_lu ADD COLUMN code2 text`,
  `UPDATE plan_pc_lu SET code2 = CASE WHEN left(code1, 2) = '10' AND bucket2 < 33 THEN '070102'
                                      WHEN left(code1, 2) = '07' AND bucket2 >= 96 THEN '1401' END`,
  `INSERT INTO planning.parcels (fid, valid, parcel_no, landuse_code, landuse_class, landuse_name, gb50137_code, far_max, density_max_pct, green_min_pct, height_max_m, plan_version, area_m2, geom, change_note)
   SELECT p.n, tstzrange(v.f, v.t), 'KG-' || lpad(p.n::text, 5, '0'), v.code, left(v.code, 2), c.name,
          (SELECT x.gb50137_code FROM planning.landuse_crosswalk x WHERE x.ydyh2023_code IN (v.code, left(v.code, 4), left(v.code, 2)) ORDER BY length(x.ydyh2023_code) DESC, length(x.gb50137_code) DESC LIMIT 1),
          ind.far, ind.dens, ind.green, ind.height, v.version, ST_Area(ST_Transform(p.g, 4490)::geography), ST_Transform(p.g, 4490), v.note
     FROM plan_pc_lu p
     CROSS JOIN LATERAL (VALUES (p.code1, ${eff('kg-2021')}, CASE WHEN p.code2 IS NOT NULL THEN ${eff('kg-2024')} END, 'kg-2021', NULL::text),
                                (p.code2, ${eff('kg-2024')}, NULL, 'kg-2024', '2024 修编: 用地性质调整')) AS v(code, f, t, version, note)
     JOIN planning.landuse_codes c ON c.system = 'ydyh2023' AND c.code = v.code
     LEFT JOIN ${INDICATORS} ON ind.cls = left(v.code, 2)
    WHERE v.code IS NOT NULL`,
];

/**
 * Replaces the planning sample (plan versions and the four layers) in one transaction and
 * records each layer in `catalog.dataset_loads`. Needs the base sample.
 */
export async function loadPlanningSample(client: pg.ClientBase): Promise<PlanningLoadReport> {
  const started = performance.now();
  await client.query('BEGIN');
  try {
    await client.query(`TRUNCATE ${TABLES.map((t) => `planning.${t}`).join(', ')} RESTART IDENTITY`);
    await client.query(`DELETE FROM planning.plan_versions`);
    for (const v of PLANNING_SAMPLE_VERSIONS)
      await client.query(
        `INSERT INTO planning.plan_versions (id, family, name, name_en, approval_no, approved_on, effective_from) VALUES ($1, $2, $3, $4, $5, $6::date, ($6::date)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
        [v.id, v.family, v.name, v.nameEn, v.approvalNo, v.approvedOn],
      );
    for (const sql of [...WORK_SQL, ...LOAD_SQL]) await client.query(sql);
    const counts: Record<string, number> = {};
    for (const t of TABLES) {
      await client.query(`SELECT setval('planning.${t}_fid_seq', GREATEST((SELECT max(fid) FROM planning.${t}), 1))`);
      const n = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM planning.${t}`)).rows[0]!.n;
      counts[t] = n;
      await client.query('INSERT INTO catalog.dataset_loads (layer_id, source, row_count) VALUES ($1, $2, $3)', [LAYER_OF[t], 'sample:planning', n]);
    }
    await client.query(`ANALYZE ${TABLES.map((t) => `planning.${t}`).join(', ')}`);
    await client.query('COMMIT');
    return {
      ecoRedline: counts['eco_redline']!,
      basicFarmland: counts['basic_farmland']!,
      urbanBoundary: counts['urban_boundary']!,
      parcels: counts['parcels']!,
      totalMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** True when plan versions exist (the planning sample or real plans). */
export async function planningSampleIsLoaded(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ loaded: boolean }>('SELECT EXISTS (SELECT 1 FROM planning.plan_versions) AS loaded');
  return rows[0]?.loaded === true;
}
