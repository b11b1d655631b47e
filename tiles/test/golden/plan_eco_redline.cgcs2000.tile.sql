-- current
SELECT ST_AsMVT(mvt, 'plan_eco_redline', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 13 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.5 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."code", t."name", t."kind", t."plan_version", t."area_m2"
  FROM "planning"."eco_redline" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND upper_inf(t."valid")
    AND ($1::int >= 13 OR ST_Area(t."geom") >= 2 * (1 * (360.0 / 2 ^ $1::int) / 256) ^ 2)
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'plan_eco_redline', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 13 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.5 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."code", t."name", t."kind", t."plan_version", t."area_m2"
  FROM "planning"."eco_redline" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND t."valid" @> $4::timestamptz
    AND ($1::int >= 13 OR ST_Area(t."geom") >= 2 * (1 * (360.0 / 2 ^ $1::int) / 256) ^ 2)
) AS mvt
WHERE mvt.geom IS NOT NULL
