import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import {
  idempotencyRecords,
  organizationSlugRedirects,
  rateLimits,
  spentChallenges,
  spentPasswordSheets,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";

/**
 * How long Send Invite keeps a request's result for its double-submission protection. The key
 * lives in the open wizard's state, so a repeat comes from a double click, a network retry or a
 * re-sent action: seconds to minutes later. A day covers a tab left open overnight; a repeat after
 * that meets the invitation it created (already invited, or already a member) instead.
 */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;

/** Rows deleted per table and statement: a backlog goes in slices, so no statement holds its locks for long. */
export const PRUNE_BATCH_SIZE = 5_000;

export type PrunedRows = {
  rateLimits: number;
  idempotencyRecords: number;
  spentPasswordSheets: number;
  spentChallenges: number;
  slugRedirects: number;
  expiredInvitations: number;
};

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
 * Marks up to `limit` pending invitations past their expiry as `expired`, in one statement, with
 * one `invitation.expired` audit event each in the same transaction. Rows being changed meanwhile
 * (a re-invite, a cancellation) are skipped and the condition is checked again on the row updated,
 * so an invitation re-sent since it was picked stays pending. An expired invitation can still be
 * re-sent or cancelled; its invited membership shows as "Invitation expired".
 */
async function expireInvitations(db: Executor, limit: number): Promise<number> {
  const lapsed = sql`status = 'pending' and expires_at <= now()`;
  return db.transaction(async (tx) => {
    const rows = rowsOf<{ id: string; organization_id: string; email: string; expires_at: string | Date }>(
      await tx.execute(sql`update invitations set status = 'expired', updated_at = now()
        where id = any(array(select id from invitations where ${lapsed} limit ${limit} for update skip locked))
          and ${lapsed}
        returning id, organization_id, email, expires_at`),
    );
    await recordAudit(
      tx,
      rows.map((row) => ({
        organizationId: row.organization_id,
        actor: null,
        action: "invitation.expired" as const,
        target: { type: "invitation", id: row.id, label: row.email },
        details: { expiresAt: new Date(row.expires_at).toISOString() },
      })),
    );
    return rows.length;
  });
}

/**
 * Deletes up to `limit` rows per table of bookkeeping that holds personal data or has served its
 * purpose: rate-limit counters past their window, Send Invite replay records older than
 * `IDEMPOTENCY_RETENTION_SECONDS`, spent password-sheet tokens and passkey challenges past their
 * expiry (an expired token or challenge is refused anyway), organizations' former URL names past their redirect's expiry (30 days after
 * the change). Also marks lapsed invitations `expired` (see `expireInvitations`). Time is the
 * database's, as the rows' writers use it.
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
    spentChallenges: await pruneBatch(db, spentChallenges, sql`${spentChallenges.expiresAt} < now()`, limit),
    slugRedirects: await pruneBatch(
      db,
      organizationSlugRedirects,
      sql`${organizationSlugRedirects.expiresAt} < now()`,
      limit,
    ),
    expiredInvitations: await expireInvitations(db, limit),
  };
}
