-- current
SELECT ST_AsMVT(mvt, 'pipe_points', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."id", t."point_no", t."category", t."feature", t."appurtenance", t."depth", t."owner_unit"
  FROM "pipe"."points" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
