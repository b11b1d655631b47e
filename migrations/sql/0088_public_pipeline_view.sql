-- Pipelines for the public (issue #8 item 4, 管线脱敏): pipe_segments becomes a public layer
-- (catalogue classification 'public') that anonymous callers see only through these rules:
-- generalised lines at z14 and below, no burial depth, no pressure, no owner unit, diameters
-- rounded. Other departments keep the staff rules of migrations 0081/0083 (lines up to z15);
-- the owner department (住建局) and administrators see the layer as catalogued.
-- Pipe points (manholes, valves, hydrants: where the network can be opened or shut, each with
-- its depth) stay internal: the public gets nothing of them. The pipeline analyses stay closed
-- to the public (401): they are about depths, valves and the network's topology.
-- The layer publishes no other depth, elevation, invert, pressure-class or owner column
-- (start_elev, end_elev, pressure_class, road_name… are not in the catalogue, so no view,
-- tile, filter or export can name them).
--
-- One more generalise parameter: snap_px snaps tile vertices to a grid of that many pixels
-- (the pipes are straight survey segments, which simplification alone leaves exact): at z14
-- 3 px ≈ 29 m, at z12 ≈ 115 m. NULL (the staff rules): the MVT grid, as before.

ALTER TABLE auth.desensitisation_rules
  ADD COLUMN snap_px numeric CHECK (snap_px > 0 AND snap_px <= 64),
  ADD CONSTRAINT desensitisation_rules_snap_check CHECK (snap_px IS NULL OR action = 'generalise');

INSERT INTO auth.desensitisation_rules (layer_id, audience, action, property, max_zoom, tolerance_px, decimals, step, snap_px, note) VALUES
  ('pipe_segments', 'public', 'drop', 'start_depth', NULL, NULL, NULL, NULL, NULL, '埋深 burial depth'),
  ('pipe_segments', 'public', 'drop', 'end_depth', NULL, NULL, NULL, NULL, NULL, '埋深 burial depth'),
  ('pipe_segments', 'public', 'drop', 'pressure_mpa', NULL, NULL, NULL, NULL, NULL, '压力 operating pressure'),
  ('pipe_segments', 'public', 'drop', 'owner_unit', NULL, NULL, NULL, NULL, NULL, '权属单位 owner unit'),
  ('pipe_segments', 'public', 'generalise', NULL, 14, 6, 3, NULL, 3, '公众仅见 z14 及以下的概化线形 the public sees generalised lines at z14 and below only'),
  ('pipe_segments', 'public', 'round', 'diameter_mm', NULL, NULL, NULL, 100, NULL, '管径取整到 100 毫米 diameter rounded to 100 mm');
