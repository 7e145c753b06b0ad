import type { Pool } from 'pg';
import {
  type ArtifactStore,
  type ConsumeOutcome,
  consumeRefusal,
  type ListedRecord,
  PURGE_BATCH_ROWS,
  type StoredRecord,
  type UpsertRecord,
  upsertColumnValues,
} from '../storage-backend.ts';
import { namedStatements } from './named-statements.ts';

const epochSeconds = () => Math.floor(Date.now() / 1000);

/** `bigint` columns arrive as strings (they may exceed 2^53); epoch seconds never do. */
const toNumber = (value: string | number): number => Number(value);

interface ArtifactRow {
  payload: Record<string, unknown>;
  consumed_at: string | null;
}

function toRecord(row: ArtifactRow | undefined): StoredRecord | undefined {
  if (!row) return undefined;
  return row.consumed_at === null
    ? { payload: row.payload }
    : { payload: row.payload, consumedAt: toNumber(row.consumed_at) };
}

/**
 * The artifacts in PostgreSQL: every statement parameterised; the table name is the only text
 * spliced in, quoted by `qualifier`.
 */
export function postgresArtifactStore(pool: Pool, artifacts: string): ArtifactStore {
  const live = (param: string) => `(expires_at IS NULL OR expires_at > ${param})`;
  const sql = namedStatements('artifacts', {
    upsert: `INSERT INTO ${artifacts} (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
      VALUES ($1, $2, $3::jsonb, $4, NULL, $5, $6, $7)
      ON CONFLICT (model, key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at,
        consumed_at = NULL, grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code`,
    find: `SELECT payload, consumed_at FROM ${artifacts} WHERE model = $1 AND key = $2 AND ${live('$3')}`,
    findByUid: `SELECT payload, consumed_at FROM ${artifacts}
      WHERE model = $1 AND uid = $2 AND ${live('$3')} LIMIT 1`,
    findByUserCode: `SELECT payload, consumed_at FROM ${artifacts}
      WHERE model = $1 AND user_code = $2 AND ${live('$3')} LIMIT 1`,
    // Row-locking UPDATE: a concurrent caller blocks on the winner's row lock, then re-checks
    // `consumed_at IS NULL` against the committed row and updates nothing.
    consume: `UPDATE ${artifacts} SET consumed_at = $3
      WHERE model = $1 AND key = $2 AND consumed_at IS NULL AND ${live('$3')} RETURNING 1`,
    consumedGrant: `SELECT grant_id FROM ${artifacts}
      WHERE model = $1 AND key = $2 AND consumed_at IS NOT NULL AND ${live('$3')}`,
    destroy: `DELETE FROM ${artifacts} WHERE model = $1 AND key = $2`,
    revokeByGrantId: `DELETE FROM ${artifacts} WHERE grant_id = $1`,
    purgeExpiredBatch: `DELETE FROM ${artifacts} WHERE (model, key) IN (SELECT model, key FROM ${artifacts}
      WHERE expires_at IS NOT NULL AND expires_at <= $1 LIMIT ${PURGE_BATCH_ROWS})`,
    extendExpiry: `UPDATE ${artifacts} SET expires_at = $3
      WHERE model = $1 AND key = $2 AND expires_at > $4 AND expires_at < $3`,
    countExpiring: `SELECT count(*) AS n FROM ${artifacts}
      WHERE model = $1 AND expires_at IS NOT NULL AND expires_at > $2`,
    listLive: `SELECT key, payload, consumed_at, expires_at FROM ${artifacts}
      WHERE model = $1 AND ${live('$2')} ORDER BY key COLLATE "C"`,
  });

  return {
    async upsert(record: UpsertRecord) {
      await pool.query({ ...sql.upsert, values: upsertColumnValues(record) });
    },
    async find(model, key) {
      return toRecord(
        (await pool.query<ArtifactRow>({ ...sql.find, values: [model, key, epochSeconds()] })).rows[0],
      );
    },
    async findByUid(model, uid) {
      return toRecord(
        (await pool.query<ArtifactRow>({ ...sql.findByUid, values: [model, uid, epochSeconds()] })).rows[0],
      );
    },
    async findByUserCode(model, userCode) {
      return toRecord(
        (await pool.query<ArtifactRow>({ ...sql.findByUserCode, values: [model, userCode, epochSeconds()] }))
          .rows[0],
      );
    },
    async consume(model, key): Promise<ConsumeOutcome> {
      const now = epochSeconds();
      const updated = await pool.query({ ...sql.consume, values: [model, key, now] });
      if (updated.rowCount === 1) return { outcome: 'consumed' };
      const { rows } = await pool.query<{ grant_id: string | null }>({
        ...sql.consumedGrant,
        values: [model, key, now],
      });
      return consumeRefusal(rows[0]);
    },
    async destroy(model, key) {
      await pool.query({ ...sql.destroy, values: [model, key] });
    },
    async revokeByGrantId(grantId) {
      await pool.query({ ...sql.revokeByGrantId, values: [grantId] });
    },
    async purgeExpired(now = epochSeconds()) {
      // Batches keep each transaction, its locks and its WAL short beside the token traffic.
      let deleted = 0;
      for (;;) {
        const batch = (await pool.query({ ...sql.purgeExpiredBatch, values: [now] })).rowCount ?? 0;
        deleted += batch;
        if (batch < PURGE_BATCH_ROWS) return deleted;
      }
    },
    async extendExpiry(model, key, expiresAt) {
      await pool.query({ ...sql.extendExpiry, values: [model, key, expiresAt, epochSeconds()] });
    },
    async countExpiring(model, now = epochSeconds()) {
      return toNumber(
        (await pool.query<{ n: string }>({ ...sql.countExpiring, values: [model, now] })).rows[0]?.n ?? 0,
      );
    },
    async listLive(model, now = epochSeconds()) {
      const { rows } = await pool.query<ArtifactRow & { key: string; expires_at: string | null }>({
        ...sql.listLive,
        values: [model, now],
      });
      return rows.map((row): ListedRecord => {
        const record = toRecord(row) as StoredRecord;
        return {
          ...record,
          key: row.key,
          ...(row.expires_at === null ? {} : { expiresAt: toNumber(row.expires_at) }),
        };
      });
    },
  };
}
