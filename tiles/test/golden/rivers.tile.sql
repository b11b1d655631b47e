-- current
SELECT ST_AsMVT(mvt, 'rivers', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."id", t."name", t."grade", t."length_km"
  FROM "base"."rivers" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
