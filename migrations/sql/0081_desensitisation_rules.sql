-- Desensitisation (脱敏, issue 10 item 3) as data: what a layer loses for an audience that may
-- see it but is not its owner department. Audiences: 'public' (anonymous callers) and 'staff'
-- (signed-in users and API clients outside the owner department). The owner department and
-- administrators always see the layer as catalogued. The server reads these rows at start and
-- compiles one tile/feature/export plan per (layer, audience); a change needs a restart.
--   drop        the property is removed from tiles, features, queryables and exports
--   generalise  tiles stop at max_zoom and are simplified by tolerance_px at every zoom;
--               features and exports carry coordinates rounded to `decimals` decimal degrees
--               (3 ≈ 100 m) and are refused in projected CRSs (whose units are metres)

CREATE TABLE auth.desensitisation_rules (
  id serial PRIMARY KEY,
  layer_id text NOT NULL CHECK (layer_id ~ '^[a-z][a-z0-9_]*$'),
  audience text NOT NULL CHECK (audience IN ('public', 'staff')),
  action text NOT NULL CHECK (action IN ('drop', 'generalise')),
  property text,
  max_zoom smallint CHECK (max_zoom BETWEEN 0 AND 24),
  tolerance_px numeric CHECK (tolerance_px > 0 AND tolerance_px <= 64),
  decimals smallint CHECK (decimals BETWEEN 0 AND 7),
  note text NOT NULL,
  CHECK (action <> 'drop' OR property IS NOT NULL),
  CHECK (action <> 'generalise' OR (max_zoom IS NOT NULL AND tolerance_px IS NOT NULL AND decimals IS NOT NULL)),
  UNIQUE (layer_id, audience, action, property)
);

-- Pipelines (管线, CJJ 61; 城市地下管线数据保密): outside the pipeline department no burial depth,
-- elevation, pressure or owner unit, and no geometry finer than a street block.
INSERT INTO auth.desensitisation_rules (layer_id, audience, action, property, max_zoom, tolerance_px, decimals, note) VALUES
  ('pipe_segments', 'staff', 'drop', 'start_depth', NULL, NULL, NULL, '埋深 burial depth'),
  ('pipe_segments', 'staff', 'drop', 'end_depth', NULL, NULL, NULL, '埋深 burial depth'),
  ('pipe_segments', 'staff', 'drop', 'pressure_mpa', NULL, NULL, NULL, '压力 operating pressure'),
  ('pipe_segments', 'staff', 'drop', 'owner_unit', NULL, NULL, NULL, '权属单位 owner unit'),
  ('pipe_segments', 'staff', 'generalise', NULL, 15, 4, 3, '仅概化线形 generalised lines only, up to z15'),
  ('pipe_points', 'staff', 'drop', 'depth', NULL, NULL, NULL, '埋深 burial depth'),
  ('pipe_points', 'staff', 'drop', 'owner_unit', NULL, NULL, NULL, '权属单位 owner unit'),
  ('pipe_points', 'staff', 'generalise', NULL, 16, 4, 3, '点位取整 rounded positions');
