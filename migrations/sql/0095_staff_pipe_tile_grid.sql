-- Pipelines for other departments' staff (issue #8 item 4): their pipe_segments (z ≤ 15) and
-- pipe_points (z ≤ 16) features are rounded to 0.001° (≈ 100 m), but their tiles were drawn on
-- the MVT grid (4096 units a tile: ≈ 0.15 m at z15, ≈ 0.3 m at z14). The staff generalise
-- rules now snap tile vertices to a 3-pixel grid (snap_px, migration 0088), the grid the
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
