-- current
SELECT ST_AsMVT(mvt, 'plan_eco_redline', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 13 THEN ST_Simplify(ST_SnapToGrid(t."geom_3857", (40075016.68557849 / 4096 / 2 ^ $1::int)), (0.5 * 156543.03392804097 / 2 ^ $1::int)) ELSE t."geom_3857" END, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."fid", t."code", t."name", t."kind", t."plan_version", t."area_m2"
  FROM "planning"."eco_redline" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND upper_inf(t."valid")
    AND ($1::int >= 13 OR ST_Area(t."geom_3857") >= 2 * (1 * 156543.03392804097 / 2 ^ $1::int) ^ 2)
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'plan_eco_redline', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 13 THEN ST_Simplify(ST_SnapToGrid(t."geom_3857", (40075016.68557849 / 4096 / 2 ^ $1::int)), (0.5 * 156543.03392804097 / 2 ^ $1::int)) ELSE t."geom_3857" END, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."fid", t."code", t."name", t."kind", t."plan_version", t."area_m2"
  FROM "planning"."eco_redline" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND t."valid" @> $4::timestamptz
    AND ($1::int >= 13 OR ST_Area(t."geom_3857") >= 2 * (1 * 156543.03392804097 / 2 ^ $1::int) ^ 2)
) AS mvt
WHERE mvt.geom IS NOT NULL
