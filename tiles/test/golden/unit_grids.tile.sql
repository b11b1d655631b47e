-- current
SELECT ST_AsMVT(mvt, 'unit_grids', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."code", t."street_code", t."community_code", t."area_m2"
  FROM "city"."unit_grids" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
