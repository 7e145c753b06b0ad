/**
 * The PostgreSQL schema as an append-only list of migrations: index i takes the schema from
 * version i to i + 1 (recorded as row `i + 1` in `schema_migrations`). Never edit a released
 * entry; add a new one.
 *
 * The statements use unqualified names: `postgres-migrations.ts` runs them with `search_path` set
 * to the configured schema alone (functions and types still resolve through `pg_catalog`).
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: artifacts and accounts, mirroring the SQLite schema.
  `
  CREATE TABLE artifacts (
    model       text   NOT NULL,
    key         text   NOT NULL,
    payload     jsonb  NOT NULL,
    expires_at  bigint,
    consumed_at bigint,
    grant_id    text,
    uid         text,
    user_code   text,
    PRIMARY KEY (model, key)
  );
  CREATE INDEX artifacts_grant_id ON artifacts (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX artifacts_uid ON artifacts (model, uid) WHERE uid IS NOT NULL;
  CREATE INDEX artifacts_user_code ON artifacts (model, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX artifacts_expires_at ON artifacts (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE accounts (
    id            text   PRIMARY KEY,
    username      text   NOT NULL,
    password_hash text   NOT NULL,
    created_at    bigint NOT NULL
  );
  -- Usernames are unique case-insensitively; lookups use lower(username) to hit this index.
  CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));
  `,
  // 2: the AS's signing and cookie keys, shared by every instance on this database.
  `
  -- One row (id = 1) holding private keys. Tables grant nothing to PUBLIC by default; the
  -- REVOKE states the intent: only the role that owns this schema (the AS's own role) may read
  -- it. Do not GRANT it to reporting or read-only roles. Encryption at rest is the database's
  -- (or its storage's) job, not this table's.
  CREATE TABLE server_secrets (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    secrets    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  REVOKE ALL ON server_secrets FROM PUBLIC;
  `,
  // 3: rate limits shared by every instance (one fixed window per key).
  `
  CREATE TABLE rate_limits (
    key          text   PRIMARY KEY,
    window_start bigint NOT NULL,
    used         integer NOT NULL
  );
  CREATE INDEX rate_limits_window_start ON rate_limits (window_start);
  `,
  // 4: the operator's privileges leave client metadata; see the SQLite migration 2 → 3 for what
  // each client gets and why. `jsonb_strip_nulls` drops the members that came out NULL.
  `
  INSERT INTO artifacts (model, key, payload)
    SELECT 'ClientPrivileges', key, jsonb_strip_nulls(jsonb_build_object(
      'clientCredentials', CASE
        WHEN NOT COALESCE(payload->'grant_types' @> '["client_credentials"]'::jsonb, false) THEN NULL
        WHEN jsonb_typeof(payload->'scope') = 'string' AND btrim(payload->>'scope') <> ''
          THEN jsonb_build_object('scope', payload->>'scope')
        ELSE jsonb_build_object('everyScope', true)
      END,
      'introspection', CASE
        WHEN payload->'mcp_resource_server' = 'true'::jsonb THEN jsonb_build_object('everyResource', true)
      END
    ))
    FROM artifacts
    WHERE model = 'Client' AND (payload ? 'mcp_preregistered' OR payload ? 'mcp_resource_server')
  ON CONFLICT (model, key) DO NOTHING;
  UPDATE artifacts SET expires_at = extract(epoch FROM now())::bigint + 7776000
    WHERE model = 'Client' AND expires_at IS NULL AND payload ? 'client_id_issued_at'
      AND NOT (payload ? 'mcp_preregistered') AND NOT (payload ? 'mcp_resource_server');
  UPDATE artifacts SET payload = payload - 'mcp_preregistered' - 'mcp_resource_server'
    WHERE model = 'Client' AND (payload ? 'mcp_preregistered' OR payload ? 'mcp_resource_server');
  `,
  // 5: when each account last signed in and whether the operator locked it (SQLite 3 → 4).
  `
  ALTER TABLE accounts ADD COLUMN last_sign_in_at bigint;
  ALTER TABLE accounts ADD COLUMN locked_at bigint;
  `,
];
