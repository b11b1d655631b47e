-- Departments added to the catalogue after 0080; two more kinds of desensitisation rule; and
-- rules for personal data (个人信息保护).
--   mask   text keeps its first keep_start and last keep_end characters, the rest becomes ***
--          (an address coarsened to its district and road, a plate to its region)
--   round  numbers are rounded to a multiple of `step`
-- Masked and rounded values are computed by a view per (layer, audience) in schema `secure`,
-- written by the server at start from these rows, so tiles, features, filters and exports all
-- see only the coarse values (a filter cannot probe the exact ones).

INSERT INTO auth.departments (code, name_zh, name_en) VALUES
  ('tz-cg', '台州市综合行政执法局(城市管理)', 'Taizhou Comprehensive Law Enforcement Bureau (city management)')
ON CONFLICT (code) DO NOTHING;

CREATE SCHEMA IF NOT EXISTS secure;

ALTER TABLE auth.desensitisation_rules
  ADD COLUMN keep_start smallint CHECK (keep_start BETWEEN 0 AND 50),
  ADD COLUMN keep_end smallint CHECK (keep_end BETWEEN 0 AND 50),
  ADD COLUMN step numeric CHECK (step > 0),
  DROP CONSTRAINT desensitisation_rules_action_check,
  ADD CONSTRAINT desensitisation_rules_action_check CHECK (action IN ('drop', 'generalise', 'mask', 'round')),
  ADD CONSTRAINT desensitisation_rules_mask_check CHECK (action <> 'mask' OR (property IS NOT NULL AND keep_start IS NOT NULL AND keep_end IS NOT NULL)),
  ADD CONSTRAINT desensitisation_rules_round_check CHECK (action <> 'round' OR (property IS NOT NULL AND step IS NOT NULL));

INSERT INTO auth.desensitisation_rules (layer_id, audience, action, property, keep_start, keep_end, step, note) VALUES
  ('user_points', 'public', 'mask', 'address', 7, 0, NULL, '详细地址只到道路 exact address coarsened to the road'),
  ('city_vehicles', 'staff', 'mask', 'plate', 2, 0, NULL, '车牌号只留地区 plate number reduced to its region'),
  ('pipe_segments', 'staff', 'round', 'diameter_mm', NULL, NULL, 100, '管径取整到 100 毫米 diameter rounded to 100 mm');
