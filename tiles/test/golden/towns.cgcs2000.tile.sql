-- current
SELECT ST_AsMVT(mvt, 'towns', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 13 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.5 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."code", t."name", t."kind", t."district_adcode"
  FROM "base"."towns" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
) AS mvt
WHERE mvt.geom IS NOT NULL
