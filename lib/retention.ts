import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { idempotencyRecords, rateLimits, spentPasswordSheets } from "@/db/schema";

/**
 * How long Send Invite keeps a request's result for its double-submission protection. The key
 * lives in the open wizard's state, so a repeat comes from a double click, a network retry or a
 * re-sent action: seconds to minutes later. A day covers a tab left open overnight; a repeat after
 * that meets the invitation it created (already invited, or already a member) instead.
 */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;

/** Rows deleted per table and statement: a backlog goes in slices, so no statement holds its locks for long. */
export const PRUNE_BATCH_SIZE = 5_000;

export type PrunedRows = { rateLimits: number; idempotencyRecords: number; spentPasswordSheets: number };

// One statement: the rows to delete are picked and locked first, skipping any a writer holds (a
// counter being bumped waits for nothing); `expired` is checked again on the row deleted, so a
// counter that started a new window since it was picked stays.
async function pruneBatch(db: Executor, table: PgTable, expired: SQL, limit: number): Promise<number> {
  const result = await db.execute(sql`with pruned as (
      delete from ${table}
      where ctid = any(array(select ctid from ${table} where ${expired} limit ${limit} for update skip locked))
        and ${expired}
      returning 1)
    select count(*)::int as n from pruned`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

/**
 * Deletes up to `limit` rows per table of bookkeeping that holds personal data and has served
 * its purpose: rate-limit counters past their window, Send Invite replay records older than
 * `IDEMPOTENCY_RETENTION_SECONDS`, spent password-sheet tokens past their expiry (an expired token
 * is refused anyway). Time is the database's, as the rows' writers use it.
 */
export async function pruneExpiredRows(db: Executor, limit = PRUNE_BATCH_SIZE): Promise<PrunedRows> {
  return {
    rateLimits: await pruneBatch(db, rateLimits, sql`${rateLimits.expiresAt} < now()`, limit),
    idempotencyRecords: await pruneBatch(
      db,
      idempotencyRecords,
      sql`${idempotencyRecords.createdAt} < now() - make_interval(secs => ${IDEMPOTENCY_RETENTION_SECONDS})`,
      limit,
    ),
    spentPasswordSheets: await pruneBatch(
      db,
      spentPasswordSheets,
      sql`${spentPasswordSheets.expiresAt} < now()`,
      limit,
    ),
  };
}
