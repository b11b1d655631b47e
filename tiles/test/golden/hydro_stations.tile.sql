-- current
SELECT ST_AsMVT(mvt, 'hydro_stations', 4096, 'geom')
FROM (
  SELECT ST_AsMVTGeom(t."geom_3857", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."stcd", t."stnm", t."sttp", t."rvnm", t."addvcd", t."status", t."status_value", t."status_tm"
  FROM "hydro"."st_stbprp_b" AS t
  WHERE t."geom_3857" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
) AS mvt
WHERE mvt.geom IS NOT NULL
