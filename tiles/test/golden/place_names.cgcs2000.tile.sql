-- current
SELECT ST_AsMVT(mvt, 'place_names', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(t."geom", ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 4096, 64, true) AS geom, t."id", t."name", t."class", t."rank", t."adcode"
  FROM "base"."place_names" AS t
  WHERE t."geom" && ST_Expand(ST_MakeEnvelope(-180 + $2::int * (360.0 / 2 ^ $1::int), 90 - ($3::int + 1) * (360.0 / 2 ^ $1::int), -180 + ($2::int + 1) * (360.0 / 2 ^ $1::int), 90 - $3::int * (360.0 / 2 ^ $1::int), 4490), 0.015625 * (360.0 / 2 ^ $1::int))
    AND CASE t."rank"::text WHEN '1' THEN 8 WHEN '2' THEN 10 WHEN '3' THEN 12 WHEN '4' THEN 14 WHEN '5' THEN 15 ELSE 0 END <= $1::int
) AS mvt
WHERE mvt.geom IS NOT NULL
