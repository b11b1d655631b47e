-- current
SELECT ST_AsMVT(mvt, 'city_vehicles', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."vehicle_id", t."plate", t."kind", t."tm", t."speed_kmh", t."outside"
  FROM "city"."vehicle_latest" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
