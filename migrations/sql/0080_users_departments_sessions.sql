-- Identity (issue 10 item 1): departments (责任单位), users with roles, login sessions.
-- Roles: public (anonymous, no row), staff (department staff: reads their department's
-- internal and restricted layers), editor (staff who may also write), admin (everything).
-- Passwords are stored only as memory-hard scrypt hashes ("scrypt$N$r$p$salt$hash");
-- session and API tokens only as SHA-256 hashes (they are 32 random bytes, so a fast hash is enough).

CREATE TABLE auth.departments (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,40}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL
);

-- The owner departments of the catalogue (geodata/src/catalog/departments.ts).
INSERT INTO auth.departments (code, name_zh, name_en) VALUES
  ('tz-zrzy', '台州市自然资源和规划局', 'Taizhou Natural Resources and Planning Bureau'),
  ('tz-sl', '台州市水利局', 'Taizhou Water Resources Bureau'),
  ('tz-jt', '台州市交通运输局', 'Taizhou Transport Bureau'),
  ('tz-zj', '台州市住房和城乡建设局', 'Taizhou Housing and Urban-Rural Development Bureau'),
  ('tz-mz', '台州市民政局', 'Taizhou Civil Affairs Bureau');

CREATE TABLE auth.users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{2,64}$'),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('staff', 'editor', 'admin')),
  department_code text REFERENCES auth.departments (code),
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  -- Department staff and editors belong to a department; administrators may stand outside.
  CHECK (role = 'admin' OR department_code IS NOT NULL)
);

CREATE TABLE auth.sessions (
  id bigserial PRIMARY KEY,
  token_sha256 bytea NOT NULL UNIQUE,
  user_id bigint NOT NULL REFERENCES auth.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  client_ip inet
);
CREATE INDEX sessions_user_idx ON auth.sessions (user_id) WHERE revoked_at IS NULL;

-- API tokens may now belong to a user (they then carry the user's role and department and die
-- with the user's account) or stand alone with a role and an optional department.
ALTER TABLE auth.api_tokens
  ADD COLUMN user_id bigint REFERENCES auth.users (id),
  ADD COLUMN department_code text REFERENCES auth.departments (code),
  DROP CONSTRAINT api_tokens_role_check,
  ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('staff', 'editor', 'admin'));
