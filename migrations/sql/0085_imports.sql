-- Data imports (issue #10 item 5): one row per import job, API or CLI. The features themselves
-- go into the target layer's table in ONE transaction (nothing partial survives a failure or a
-- killed process); this row is written outside that transaction so progress is visible while it
-- runs, and its final state (done + report) is written inside it, atomically with the data.
-- A 'running' row whose transaction no longer holds advisory lock (1229795664 'IMPO', id) was
-- interrupted (process killed): readers report it as failed.
CREATE TABLE audit.imports (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  actor text NOT NULL,
  via text NOT NULL CHECK (via IN ('api', 'cli')),
  layer_id text NOT NULL,
  file_name text,
  format text NOT NULL,
  size_bytes bigint NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  dry_run boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total integer NOT NULL,
  processed integer NOT NULL DEFAULT 0,
  inserted integer NOT NULL DEFAULT 0,
  repaired integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  error jsonb,
  report jsonb
);
CREATE INDEX imports_actor_idx ON audit.imports (actor, created_at DESC);
