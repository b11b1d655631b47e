-- current
SELECT ST_AsMVT(mvt, 'pipe_points', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(t."geom", ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."id", t."point_no", t."category", t."feature", t."appurtenance", t."depth", t."owner_unit"
  FROM "pipe"."points" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
) AS mvt
WHERE mvt.geom IS NOT NULL
