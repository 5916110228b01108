import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, sessions } from "@/db/schema";
import type { CurrentAccount } from "@/lib/auth/current";
import {
  prepareNewPassword,
  queuePasswordChangedEmail,
  recordAccountAudit,
  storeNewPassword,
} from "@/lib/auth/new-password";
import { verifyPassword } from "@/lib/auth/password";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { notifyOutbox } from "@/lib/email/outbox";
import { DomainError, forbidden } from "@/lib/errors";
import { countAttempt, giveBackAttempt, minutesUntil, type RateLimitRule } from "@/lib/security/rate-limit";
import type { AccountPasswordInput } from "@/lib/validations/account";

/** Guessing the current password from a stolen session is as slow as guessing it at sign-in. */
const CURRENT_PASSWORD_LIMIT = { limit: 5, windowSeconds: 15 * 60 } satisfies RateLimitRule;
const currentPasswordRateLimitKey = (accountId: string) => `account-password:${accountId}`;

/**
 * For the signed-in account itself (a permanent password): checks the current password (counted
 * first, five wrong ones per 15 minutes), applies the password policy of its organizations, then
 * in one transaction stores the new hash, revokes every session of the account and bumps its
 * session version, audits and queues the notice. Returns the new version: the caller opens a
 * fresh session for this browser, so it alone continues.
 */
export async function changeAccountPassword(
  account: CurrentAccount,
  input: AccountPasswordInput,
  meta: RequestMeta,
): Promise<{ sessionVersion: number }> {
  if (account.passwordIsTemporary) throw forbidden();
  const db = await getDb();
  const attempt = await countAttempt(db, [[currentPasswordRateLimitKey(account.id), CURRENT_PASSWORD_LIMIT]]);
  if (attempt.refused) {
    throw new DomainError("password.tooManyAttempts", {
      status: 429,
      field: "currentPassword",
      params: { minutes: minutesUntil(attempt.refused.retryAfterSeconds) },
    });
  }
  const [current] = await db
    .select({ passwordHash: accounts.passwordHash })
    .from(accounts)
    .where(eq(accounts.id, account.id));
  if (!current?.passwordHash || !(await verifyPassword(input.currentPassword, current.passwordHash))) {
    throw new DomainError("account.currentPasswordWrong", { field: "currentPassword" });
  }
  await giveBackAttempt(db, attempt.counted);
  const passwordHash = await prepareNewPassword(db, account.id, input.newPassword, {
    hash: current.passwordHash,
    isTemporary: false,
  });

  const sessionVersion = await db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ passwordHash: accounts.passwordHash, passwordIsTemporary: accounts.passwordIsTemporary })
      .from(accounts)
      .where(eq(accounts.id, account.id))
      .for("update");
    // Changed meanwhile (another tab, a reset link): the current password checked above is stale.
    if (!locked || locked.passwordIsTemporary || locked.passwordHash !== current.passwordHash) throw forbidden();
    const version = await storeNewPassword(tx, account.id, passwordHash);
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.accountId, account.id), isNull(sessions.revokedAt)));
    await recordAccountAudit(tx, account, "account.password_changed", meta);
    await queuePasswordChangedEmail(tx, account, null);
    return version;
  });
  notifyOutbox();
  return { sessionVersion };
}
