-- 管线探测成果导入 (survey import) batches: one row per committed import; its QA report is kept
-- for download (GET /pipes/imports/{id}/report). Imported points/segments carry import_id.
CREATE TABLE pipe.imports (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  source_crs integer NOT NULL CHECK (source_crs IN (4549, 4550)),
  point_count integer NOT NULL,
  segment_count integer NOT NULL,
  report jsonb NOT NULL
);
