-- current
SELECT ST_AsMVT(mvt, 'pipe_segments', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 15 THEN ST_Simplify(ST_SnapToGrid(t."geom_3857", (40075016.68557849 / 4096 / 2 ^ $1::int)), (1 * 156543.03392804097 / 2 ^ $1::int)) ELSE t."geom_3857" END, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."id", t."line_no", t."category", t."subcategory", t."diameter_mm", t."material", t."status", t."start_depth", t."end_depth", t."pressure_mpa", t."owner_unit"
  FROM "pipe"."segments" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
