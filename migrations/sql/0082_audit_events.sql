-- Audit (issue 10 item 4): every write and every access to non-public data — who, what,
-- when, from where. Never holds secrets: no tokens, passwords, request bodies or query strings
-- (those may carry credentials); the path, the layers touched and a small detail object only.
-- audit.edits (0005) keeps the per-feature edit detail; this table is the one log to query.

CREATE TABLE audit.events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  role text NOT NULL CHECK (role IN ('public', 'staff', 'editor', 'admin')),
  department_code text,
  action text NOT NULL CHECK (action IN ('write', 'read', 'login', 'login_failed', 'logout', 'admin')),
  method text NOT NULL,
  path text NOT NULL,
  status smallint NOT NULL,
  layers text[] NOT NULL DEFAULT '{}',
  classification text CHECK (classification IN ('public', 'internal', 'restricted')),
  detail jsonb NOT NULL DEFAULT '{}',
  request_id text,
  client_ip inet
);
CREATE INDEX events_at_idx ON audit.events USING brin (at);
CREATE INDEX events_actor_at_idx ON audit.events (actor, at);
CREATE INDEX events_layers_idx ON audit.events USING gin (layers);
