-- current
SELECT ST_AsMVT(mvt, 'roads', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom_3857", (40075016.68557849 / 4096 / 2 ^ $1::int)), (0.5 * 156543.03392804097 / 2 ^ $1::int)) ELSE t."geom_3857" END, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."fid", t."name", t."class", t."lanes", t."opened_year"
  FROM "base"."roads" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND upper_inf(t."valid")
    AND CASE t."class"::text WHEN 'expressway' THEN 8 WHEN 'national' THEN 8 WHEN 'provincial' THEN 9 WHEN 'arterial' THEN 11 WHEN 'secondary' THEN 13 WHEN 'branch' THEN 14 ELSE 0 END <= $1::int
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'roads', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom_3857", (40075016.68557849 / 4096 / 2 ^ $1::int)), (0.5 * 156543.03392804097 / 2 ^ $1::int)) ELSE t."geom_3857" END, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."fid", t."name", t."class", t."lanes", t."opened_year"
  FROM "base"."roads" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND t."valid" @> $4::timestamptz
    AND CASE t."class"::text WHEN 'expressway' THEN 8 WHEN 'national' THEN 8 WHEN 'provincial' THEN 9 WHEN 'arterial' THEN 11 WHEN 'secondary' THEN 13 WHEN 'branch' THEN 14 ELSE 0 END <= $1::int
) AS mvt
WHERE mvt.geom IS NOT NULL
