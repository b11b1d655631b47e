-- Who may edit, and what every edit did.
-- API tokens are stored as SHA-256 hashes (a token is 32 random bytes: a fast hash is enough;
-- passwords, which are guessable, will get a memory-hard hash). Revocable and expiring.

CREATE TABLE auth.api_tokens (
  id bigserial PRIMARY KEY,
  token_sha256 bytea NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('editor', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);

-- One row per write through the API: enough to answer who, what, when, from where and why.
CREATE TABLE audit.edits (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL CHECK (action IN ('create', 'replace', 'update', 'delete')),
  layer_id text NOT NULL,
  fid bigint NOT NULL,
  old_gid bigint,
  new_gid bigint,
  comment text,
  request_id text,
  client_ip inet
);
CREATE INDEX edits_layer_fid_idx ON audit.edits (layer_id, fid);
CREATE INDEX edits_at_idx ON audit.edits USING brin (at);
