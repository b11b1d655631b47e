-- current
SELECT ST_AsMVT(mvt, 'roads', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.5 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."name", t."class", t."lanes", t."opened_year"
  FROM "base"."roads" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND upper_inf(t."valid")
    AND CASE t."class"::text WHEN 'expressway' THEN 8 WHEN 'national' THEN 8 WHEN 'provincial' THEN 9 WHEN 'arterial' THEN 11 WHEN 'secondary' THEN 13 WHEN 'branch' THEN 14 ELSE 0 END <= $1::int
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'roads', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.5 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."name", t."class", t."lanes", t."opened_year"
  FROM "base"."roads" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND t."valid" @> $4::timestamptz
    AND CASE t."class"::text WHEN 'expressway' THEN 8 WHEN 'national' THEN 8 WHEN 'provincial' THEN 9 WHEN 'arterial' THEN 11 WHEN 'secondary' THEN 13 WHEN 'branch' THEN 14 ELSE 0 END <= $1::int
) AS mvt
WHERE mvt.geom IS NOT NULL
