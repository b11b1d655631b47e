-- current
SELECT ST_AsMVT(mvt, 'city_vehicles', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom", ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."vehicle_id", t."plate", t."kind", t."tm", t."speed_kmh", t."outside"
  FROM "city"."vehicle_latest" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
) AS mvt
WHERE mvt.geom IS NOT NULL
