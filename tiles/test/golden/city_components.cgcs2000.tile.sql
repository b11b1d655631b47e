-- current
SELECT ST_AsMVT(mvt, 'city_components', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom", ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."code", t."class_code", t."status", t."status_changed_at", t."grid_code", t."road_name", t."maintainer_unit"
  FROM "city"."components" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
) AS mvt
WHERE mvt.geom IS NOT NULL
