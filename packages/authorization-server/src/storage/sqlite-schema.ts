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
];
