-- current
SELECT ST_AsMVT(mvt, 'user_points', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(t."geom", ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."name", t."category", t."address", t."remark"
  FROM "base"."user_points" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND upper_inf(t."valid")
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'user_points', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(t."geom", ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."name", t."category", t."address", t."remark"
  FROM "base"."user_points" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND t."valid" @> $4::timestamptz
) AS mvt
WHERE mvt.geom IS NOT NULL
