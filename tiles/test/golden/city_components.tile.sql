-- current
SELECT ST_AsMVT(mvt, 'city_components', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."code", t."class_code", t."status", t."status_changed_at", t."grid_code", t."road_name", t."maintainer_unit"
  FROM "city"."components" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
