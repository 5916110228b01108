import "server-only";
import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { recoveryCodes, twoStepFactors } from "@/db/schema";
import { recordAccountAudit } from "@/lib/auth/new-password";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { notFound } from "@/lib/errors";
import {
  assertFactorId,
  confirmedFactorsOf,
  countConfirmedFactors,
  factorSummaryColumns,
  lockAccount,
  recordTwoStepChange,
  type FactorSummary,
  type TwoStepAccount,
} from "./shared";

export type { FactorSummary, TwoStepAccount } from "./shared";

/** For the signed-in account: its confirmed factors, oldest first (an enrollment not yet confirmed is no factor). */
export async function listFactors(account: Pick<TwoStepAccount, "id">): Promise<FactorSummary[]> {
  const db = await getDb();
  return db
    .select(factorSummaryColumns)
    .from(twoStepFactors)
    .where(confirmedFactorsOf(account.id))
    .orderBy(asc(twoStepFactors.createdAt), asc(twoStepFactors.id));
}

/** For any server code that has an account id it trusts: whether the account has at least one confirmed factor. */
export async function hasTwoStep(accountId: string): Promise<boolean> {
  return (await countConfirmedFactors(await getDb(), accountId)) > 0;
}

/** For the signed-in account: how many of its recovery codes are unused, out of how many. */
export async function recoveryCodeStatus(
  account: Pick<TwoStepAccount, "id">,
): Promise<{ remaining: number; total: number }> {
  const db = await getDb();
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      remaining: sql<number>`count(*) filter (where ${isNull(recoveryCodes.usedAt)})::int`,
    })
    .from(recoveryCodes)
    .where(eq(recoveryCodes.accountId, account.id));
  return { remaining: Number(row?.remaining ?? 0), total: Number(row?.total ?? 0) };
}

/**
 * For the signed-in account: renames one of its own factors. Another account's factor is not
 * found, exactly like one that does not exist. Audited.
 */
export async function renameFactor(
  account: TwoStepAccount,
  factorId: string,
  name: string,
  meta: RequestMeta,
): Promise<FactorSummary> {
  assertFactorId(factorId);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(twoStepFactors)
      .set({ name })
      .where(
        and(
          eq(twoStepFactors.id, factorId),
          eq(twoStepFactors.accountId, account.id),
          isNotNull(twoStepFactors.confirmedAt),
        ),
      )
      .returning(factorSummaryColumns);
    if (!row) throw notFound();
    // A new name changes nothing about how the account signs in: audited, not emailed.
    await recordAccountAudit(tx, account, "account.two_step_renamed", meta, { factorName: name, kind: row.kind });
    return row;
  });
}

/**
 * For the signed-in account: removes one of its own factors (another account's is not found).
 * Removing the last one turns two-step verification off, so the recovery codes go with it.
 * Audited and emailed to the account.
 */
export async function removeFactor(account: TwoStepAccount, factorId: string, meta: RequestMeta): Promise<void> {
  assertFactorId(factorId);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const owner = await lockAccount(tx, account.id);
    const [row] = await tx
      .delete(twoStepFactors)
      .where(
        and(
          eq(twoStepFactors.id, factorId),
          eq(twoStepFactors.accountId, owner.id),
          isNotNull(twoStepFactors.confirmedAt),
        ),
      )
      .returning({ name: twoStepFactors.name, kind: twoStepFactors.kind });
    if (!row) throw notFound();
    if ((await countConfirmedFactors(tx, owner.id)) === 0) {
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, owner.id));
    }
    await recordTwoStepChange(tx, owner, "account.two_step_removed", "factor-removed", meta, {
      factorName: row.name,
      kind: row.kind,
    });
  });
}
