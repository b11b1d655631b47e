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
-- 3 px ≈ 29 m, at z12 ≈ 115 m. The staff rules get it too (below).

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

-- Other departments' staff: their pipe_segments (z ≤ 15) and
-- pipe_points (z ≤ 16) features are rounded to 0.001° (≈ 100 m), but their tiles were drawn on
-- the MVT grid (4096 units a tile: ≈ 0.15 m at z15, ≈ 0.3 m at z14). The staff generalise
-- rules snap tile vertices to a 3-pixel grid (snap_px, above) too, the grid the
-- public view of pipe_segments already uses:
--   zoom      3 px (Web Mercator)   ≈ ground at 28.7°N
--   z16       7.2 m                 6.3 m    (pipe points only)
--   z15       14 m                  12.6 m
--   z14       29 m                  25 m
--   z12       115 m                 100 m    (as coarse as the features from here down)
-- Why 3 px for both layers:
--  * no larger for pipe_segments: the public sees the same layer at 3 px, and the public may
--    never see a finer grid than other departments at the same zoom (secure-plans.ts checks
--    snap_px at start), so the staff grid can be at most the public one;
--  * the same for pipe_points: pipe points are the segments' end nodes, so with one grid a
--    valve or manhole snaps to the very grid node its pipes end on and the network is still
--    drawn connected; a different grid would draw valves beside their pipes;
--  * a coarser grid would show: snapping moves a vertex by up to 0.7 × snap_px pixels, 2 px at
--    3 px, under a pipe's stroke width or a point symbol's radius; at 20 px (what 100 m would
--    take at z15) the straight survey segments turn into visible staircases.
-- The exact positions at the zooms above z12 stay finer than 0.001°, but only by what a map
-- draws; the pipeline analyses, which answered exact positions to any signed-in caller, are
-- now for the pipeline departments only (routes/pipes.ts: 403 for other departments).
-- The owner department and administrators are unaffected (their view has no rules).

UPDATE auth.desensitisation_rules SET snap_px = 3
 WHERE audience = 'staff' AND action = 'generalise' AND layer_id IN ('pipe_segments', 'pipe_points');
