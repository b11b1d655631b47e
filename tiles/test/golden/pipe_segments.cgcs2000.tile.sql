-- current
SELECT ST_AsMVT(mvt, 'pipe_segments', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 15 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (1 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."id", t."line_no", t."category", t."subcategory", t."diameter_mm", t."material", t."status", t."start_depth", t."end_depth", t."pressure_mpa", t."owner_unit"
  FROM "pipe"."segments" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
) AS mvt
WHERE mvt.geom IS NOT NULL
