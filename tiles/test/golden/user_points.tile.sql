-- current
SELECT ST_AsMVT(mvt, 'user_points', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."fid", t."name", t."category", t."address", t."remark"
  FROM "base"."user_points" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND upper_inf(t."valid")
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'user_points', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."fid", t."name", t."category", t."address", t."remark"
  FROM "base"."user_points" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND t."valid" @> $4::timestamptz
) AS mvt
WHERE mvt.geom IS NOT NULL
