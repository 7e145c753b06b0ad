/**
 * The SQLite schema as an append-only list of migrations: index i takes the database from
 * `user_version` i to i + 1. Never edit a released entry; add a new one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE artifacts (
    model       TEXT NOT NULL,
    key         TEXT NOT NULL,
    payload     TEXT NOT NULL,
    expires_at  INTEGER,
    consumed_at INTEGER,
    grant_id    TEXT,
    uid         TEXT,
    user_code   TEXT,
    PRIMARY KEY (model, key)
  ) WITHOUT ROWID;
  CREATE INDEX artifacts_grant_id ON artifacts (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX artifacts_uid ON artifacts (model, uid) WHERE uid IS NOT NULL;
  CREATE INDEX artifacts_user_code ON artifacts (model, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX artifacts_expires_at ON artifacts (expires_at) WHERE expires_at IS NOT NULL;
  CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
  );
  `,
  // 1 → 2: `artifacts` becomes an ordinary rowid table. Its rows (~400 bytes of JSON) are too big
  // for WITHOUT ROWID, which keeps whole rows inside the primary-key b-tree and "works best when
  // individual rows are not too large", under about 1/20 of a page (SQLite, "The WITHOUT ROWID
  // Optimization" §4, https://www.sqlite.org/withoutrowid.html): a 4 KiB leaf holds only ~9 of
  // them, so inserts at random keys (hashes) keep splitting pages. Now rows are appended in rowid
  // order and only the short (model, key) goes into a separate unique index (what a non-INTEGER
  // PRIMARY KEY is in a rowid table, https://www.sqlite.org/lang_createtable.html#the_primary_key);
  // measured on node:sqlite, an upsert went from ~100 to ~70 µs. Rebuilt the way "Making Other Kinds Of Table Schema Changes"
  // describes (https://www.sqlite.org/lang_altertable.html#otheralter): new table, copy, drop,
  // rename, indexes again; nothing references `artifacts` (no foreign key, view or trigger). It
  // runs inside the migration's transaction, so it lands whole or not at all. The old table's
  // pages stay in the file as free pages, which later writes reuse.
  `
  CREATE TABLE artifacts_rowid (
    model       TEXT NOT NULL,
    key         TEXT NOT NULL,
    payload     TEXT NOT NULL,
    expires_at  INTEGER,
    consumed_at INTEGER,
    grant_id    TEXT,
    uid         TEXT,
    user_code   TEXT,
    PRIMARY KEY (model, key)
  );
  INSERT INTO artifacts_rowid (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
    SELECT model, key, payload, expires_at, consumed_at, grant_id, uid, user_code FROM artifacts;
  DROP TABLE artifacts;
  ALTER TABLE artifacts_rowid RENAME TO artifacts;
  CREATE INDEX artifacts_grant_id ON artifacts (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX artifacts_uid ON artifacts (model, uid) WHERE uid IS NOT NULL;
  CREATE INDEX artifacts_user_code ON artifacts (model, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX artifacts_expires_at ON artifacts (expires_at) WHERE expires_at IS NOT NULL;
  `,
  // 2 → 3: the operator's privileges leave client metadata (clients/client-privileges.ts). Earlier
  // versions stored them inside the Client payload as `mcp_preregistered` / `mcp_resource_server`,
  // fields a client's own metadata could also name. Each such client gets a ClientPrivileges
  // record with what it could do before: the client_credentials grant for its registered
  // `scope` (or every scope, when it had none, as oidc-provider then allowed), introspection
  // for every registered resource (which resource it serves was never recorded). Dynamic
  // clients (RFC 7591 sets `client_id_issued_at`) registered before expiry existed get the
  // default 90 idle days from now. Then the fields leave the payloads. Every row is kept.
  // `json_patch` drops the members that came out NULL (RFC 7396: null removes).
  `
  INSERT INTO artifacts (model, key, payload)
    SELECT 'ClientPrivileges', key, json_patch('{}', json_object(
      'clientCredentials', json(CASE
        WHEN NOT EXISTS (SELECT 1 FROM json_each(client.payload, '$.grant_types') WHERE value = 'client_credentials')
          THEN NULL
        WHEN json_type(client.payload, '$.scope') = 'text' AND trim(json_extract(client.payload, '$.scope')) <> ''
          THEN json_object('scope', json_extract(client.payload, '$.scope'))
        ELSE json_object('everyScope', json('true'))
      END),
      'introspection', json(CASE
        WHEN json_type(client.payload, '$.mcp_resource_server') = 'true'
          THEN json_object('everyResource', json('true'))
      END)
    ))
    FROM artifacts AS client
    WHERE client.model = 'Client'
      AND (json_type(client.payload, '$.mcp_preregistered') IS NOT NULL
        OR json_type(client.payload, '$.mcp_resource_server') IS NOT NULL)
  ON CONFLICT (model, key) DO NOTHING;
  UPDATE artifacts SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 7776000
    WHERE model = 'Client' AND expires_at IS NULL
      AND json_type(payload, '$.client_id_issued_at') IS NOT NULL
      AND json_type(payload, '$.mcp_preregistered') IS NULL
      AND json_type(payload, '$.mcp_resource_server') IS NULL;
  UPDATE artifacts SET payload = json_remove(payload, '$.mcp_preregistered', '$.mcp_resource_server')
    WHERE model = 'Client'
      AND (json_type(payload, '$.mcp_preregistered') IS NOT NULL
        OR json_type(payload, '$.mcp_resource_server') IS NOT NULL);
  `,
  // 3 → 4: the operator's view of accounts (`users list`, `users lock`): when each last signed in
  // and whether it is locked. Both empty for existing accounts: never signed in since, not locked.
  `
  ALTER TABLE accounts ADD COLUMN last_sign_in_at INTEGER;
  ALTER TABLE accounts ADD COLUMN locked_at INTEGER;
  `,
  // 4 → 5: rate-limit windows in the database (sqlite-rate-limits.ts), so that the processes of
  // `--workers N` on one file enforce one limit together, as PostgreSQL's instances do: one row per
  // limiter and key, holding its current fixed window.
  `
  CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    used         INTEGER NOT NULL
  );
  `,
];
