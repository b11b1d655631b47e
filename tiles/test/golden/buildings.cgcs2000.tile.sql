-- current
SELECT ST_AsMVT(mvt, 'buildings', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.25 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."name", t."use", t."floors", t."height_m", t."year_built", t."district_adcode"
  FROM "base"."buildings" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND upper_inf(t."valid")
    AND ($1::int >= 14 OR ST_Area(t."geom") >= 0.25 * (1 * (360.0 / 2 ^ $1::int) / 256) ^ 2)
) AS mvt
WHERE mvt.geom IS NOT NULL
-- asOf
SELECT ST_AsMVT(mvt, 'buildings', 4096, 'geom', 'fid')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 14 THEN ST_Simplify(ST_SnapToGrid(t."geom", ((360.0 / 2 ^ $1::int) / 4096)), (0.25 * (360.0 / 2 ^ $1::int) / 256)) ELSE t."geom" END, ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."fid", t."name", t."use", t."floors", t."height_m", t."year_built", t."district_adcode"
  FROM "base"."buildings" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND t."valid" @> $4::timestamptz
    AND ($1::int >= 14 OR ST_Area(t."geom") >= 0.25 * (1 * (360.0 / 2 ^ $1::int) / 256) ^ 2)
) AS mvt
WHERE mvt.geom IS NOT NULL
-- overview (z <= 12)
SELECT ST_AsMVT(mvt, 'buildings', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(ST_Simplify(ST_SnapToGrid(ST_Transform(t."geom_3857", 4490), ((360.0 / 2 ^ $1::int) / 4096)), (0.5 * (360.0 / 2 ^ $1::int) / 256)), ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."use", t."building_count", t."floors_avg"
  FROM "base"."buildings_overview" AS t
  WHERE t."geom_3857" && ST_Transform(ST_ClipByBox2D(ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int)), ST_MakeEnvelope(-180, -85.05, 180, 85.05, 4490)), 3857)
    AND t.area_m2 >= 0.25 * ((1 * (360.0 / 2 ^ $1::int) / 256) * 111319.49079327357) ^ 2
) AS mvt
WHERE mvt.geom IS NOT NULL
