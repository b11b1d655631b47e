-- current
SELECT ST_AsMVT(mvt, 'city_cases', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."case_no", t."kind", t."class_code", t."state", t."urgency", t."reported_at", t."department_code"
  FROM "city"."cases" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
