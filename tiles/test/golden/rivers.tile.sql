-- current
SELECT ST_AsMVT(mvt, 'rivers', 4096, 'geom', 'id')
FROM (
  SELECT ST_AsMVTGeom(CASE WHEN $1::int < 13 THEN ST_Simplify(ST_SnapToGrid(t."geom_3857", (40075016.68557849 / 4096 / 2 ^ $1::int)), (0.5 * 156543.03392804097 / 2 ^ $1::int)) ELSE t."geom_3857" END, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."id", t."name", t."grade", t."length_km"
  FROM "base"."rivers" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
    AND CASE t."grade"::text WHEN '1' THEN 6 WHEN '2' THEN 8 WHEN '3' THEN 10 WHEN '4' THEN 12 ELSE 0 END <= $1::int
) AS mvt
WHERE mvt.geom IS NOT NULL
