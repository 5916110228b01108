import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { accounts, passwordResets } from "@/db/schema";
import { notifyOutbox } from "@/lib/email/outbox";
import { sealSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { logger } from "@/lib/logger";
import { normalizeEmail } from "@/lib/security/email";
import { clientKey, countAttempt, giveBackAttempt, minutesUntil, type RateLimitRule } from "@/lib/security/rate-limit";
import { generateKey, hashKey, keyMatches } from "@/lib/security/tokens";
import type { ForgotPasswordInput, ResetPasswordInput } from "@/lib/validations/password";
import { minimumPasswordLengthFor } from "./password-policy";
import { recordAuditSql } from "@/lib/audit/record";
import { prepareNewPassword, queuePasswordChangedEmail, recordAccountAudit, storeNewPassword } from "./new-password";
import type { RequestMeta } from "./request-meta";

const PASSWORD_RESET_VALIDITY_MS = 60 * 60 * 1000;

/**
 * Reset requests count per address and IP, so that a stranger cannot use up the owner's
 * allowance, with an address-wide ceiling against requests spread over many IPs.
 */
export const PASSWORD_RESET_LIMITS = {
  requestsPerIp: { limit: 20, windowSeconds: 60 * 60 },
  requestsPerAddressAndIp: { limit: 3, windowSeconds: 60 * 60 },
  requestsPerAddress: { limit: 10, windowSeconds: 60 * 60 },
  attemptsPerIp: { limit: 30, windowSeconds: 15 * 60 },
  attemptsPerReset: { limit: 10, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

const passwordResetRateLimitKeys = {
  requestIp: (ip: string | null) => `reset:request:ip:${clientKey(ip)}`,
  requestAddressAndIp: (email: string, ip: string | null) =>
    `reset:request:address-ip:${normalizeEmail(email)}|${clientKey(ip)}`,
  requestAddress: (email: string) => `reset:request:address:${normalizeEmail(email)}`,
  attemptsIp: (ip: string | null) => `reset:attempts:ip:${clientKey(ip)}`,
  attemptsReset: (resetId: string) => `reset:attempts:${resetId.toLowerCase()}`,
};

type ResetRequested = { id: string; name: string; email: string; locale: AppLocale | null };

/**
 * For anyone: emails a single-use reset link valid one hour when the address belongs to an
 * active account. The answer is the same whether it does or not, and whether a limit held the
 * mail back. The work is the same too: the key is made and sealed, and one statement inserts the
 * reset and its outbox row for a real account, nothing for an unknown address, so the time taken
 * does not tell them apart. Requests are counted first, whether the address exists or not.
 */
export async function requestPasswordReset(
  input: ForgotPasswordInput,
  meta: RequestMeta,
  locale: AppLocale,
): Promise<void> {
  const db = await getDb();
  const email = normalizeEmail(input.email);
  const resetId = randomUUID();
  // One transaction that always writes (the counters) and commits once, whether the address
  // exists or not: a commit that wrote nothing would return sooner and give the answer away.
  const account = await db.transaction(async (tx) => {
    const attempt = await countAttempt(tx, [
      [passwordResetRateLimitKeys.requestIp(meta.ip), PASSWORD_RESET_LIMITS.requestsPerIp],
      [passwordResetRateLimitKeys.requestAddressAndIp(email, meta.ip), PASSWORD_RESET_LIMITS.requestsPerAddressAndIp],
      [passwordResetRateLimitKeys.requestAddress(email), PASSWORD_RESET_LIMITS.requestsPerAddress],
    ]);
    if (attempt.refused) {
      logger.warn("password reset request refused by a limit", { limit: attempt.refused.key.split(":")[2] });
      return undefined;
    }
    const key = generateKey();
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_VALIDITY_MS);
    const [row] = rowsOf<ResetRequested>(
      await tx.execute(sql`
        with account as (
          select id, name, email, locale from accounts where email_normalized = ${email}
        ),
        reset as (
          insert into password_resets (id, account_id, key_hash, expires_at)
          select ${resetId}, account.id, ${hashKey(key)}, ${expiresAt.toISOString()}::timestamptz from account
          returning account_id
        ),
        mail as (
          insert into email_outbox (organization_id, template, locale, to_address, payload, secret_ciphertext)
          select null, 'password-reset', coalesce(account.locale, ${locale}::locale), account.email,
            jsonb_build_object('accountName', account.name, 'resetId', ${resetId}::text, 'expiresAt', ${expiresAt.toISOString()}::text),
            ${sealSecret(JSON.stringify({ key }))}
          from account join reset on reset.account_id = account.id
          returning id
        ),
        requested as (
          select account.* from account join reset on reset.account_id = account.id
        ),
        audit as (
          ${recordAuditSql(sql`requested`, { action: "account.password_reset_requested", meta, details: { resetId } })}
        )
        select account.id, account.name, account.email, account.locale
        from account join reset on reset.account_id = account.id
        where exists (select 1 from mail)`),
    );
    return row;
  });
  if (!account) return;
  notifyOutbox();
  logger.info("password reset requested", { resetId, accountId: account.id });
}

type PasswordResetState = "valid" | "invalid" | "expired" | "used";

async function loadReset(db: Executor, resetId: string) {
  const [row] = await db
    .select({
      id: passwordResets.id,
      keyHash: passwordResets.keyHash,
      expiresAt: passwordResets.expiresAt,
      usedAt: passwordResets.usedAt,
      account: {
        id: accounts.id,
        name: accounts.name,
        email: accounts.email,
        locale: accounts.locale,
        passwordHash: accounts.passwordHash,
        passwordIsTemporary: accounts.passwordIsTemporary,
      },
    })
    .from(passwordResets)
    .innerJoin(accounts, eq(accounts.id, passwordResets.accountId))
    .where(eq(passwordResets.id, resetId));
  return row;
}

function stateOf(row: Awaited<ReturnType<typeof loadReset>>, key: string): PasswordResetState {
  if (!row || !keyMatches(key, row.keyHash)) return "invalid";
  if (row.usedAt) return "used";
  return row.expiresAt.getTime() <= Date.now() ? "expired" : "valid";
}

const resetErrors: Record<Exclude<PasswordResetState, "valid">, string> = {
  invalid: "password.linkInvalid",
  expired: "password.linkExpired",
  used: "password.linkUsed",
};

export type PasswordResetView =
  { state: Exclude<PasswordResetState, "valid"> } | { state: "valid"; email: string; minPasswordLength: number };

/** For anyone holding a reset link (GET and HEAD included): its state, and the rules when valid. Reads only. */
export async function viewPasswordReset(resetId: string, key: string): Promise<PasswordResetView> {
  if (!z.uuid().safeParse(resetId).success) return { state: "invalid" };
  const db = await getDb();
  const row = await loadReset(db, resetId);
  const state = stateOf(row, key);
  if (state !== "valid" || !row) return { state: state === "valid" ? "invalid" : state };
  return { state, email: row.account.email, minPasswordLength: await minimumPasswordLengthFor(db, row.account.id) };
}

/**
 * For the holder of a valid reset link: sets the new password (the policy of the account's
 * organizations), uses the link and every other pending one up, ends the account's other
 * sessions. Wrong keys are counted per link and per IP. The caller opens a session.
 */
export async function completePasswordReset(
  input: ResetPasswordInput,
  meta: RequestMeta,
): Promise<{ accountId: string; sessionVersion: number }> {
  const db = await getDb();
  const attempt = await countAttempt(db, [
    [passwordResetRateLimitKeys.attemptsIp(meta.ip), PASSWORD_RESET_LIMITS.attemptsPerIp],
    [passwordResetRateLimitKeys.attemptsReset(input.resetId), PASSWORD_RESET_LIMITS.attemptsPerReset],
  ]);
  if (attempt.refused) {
    throw new DomainError("password.tooManyAttempts", {
      status: 429,
      params: { minutes: minutesUntil(attempt.refused.retryAfterSeconds) },
    });
  }
  const row = await loadReset(db, input.resetId);
  const state = stateOf(row, input.key);
  // Only wrong keys stay counted: the holder of the right one is not guessing.
  if (state !== "invalid") await giveBackAttempt(db, attempt.counted);
  if (state !== "valid" || !row)
    throw new DomainError(resetErrors[state === "valid" ? "invalid" : state], { status: 409 });

  const passwordHash = await prepareNewPassword(db, row.account.id, input.newPassword, {
    hash: row.account.passwordHash,
    isTemporary: row.account.passwordIsTemporary,
  });
  const sessionVersion = await db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ usedAt: passwordResets.usedAt })
      .from(passwordResets)
      .where(eq(passwordResets.id, input.resetId))
      .for("update");
    if (!locked || locked.usedAt) throw new DomainError("password.linkUsed", { status: 409 });
    const version = await storeNewPassword(tx, row.account.id, passwordHash);
    await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.accountId, row.account.id), isNull(passwordResets.usedAt)));
    await recordAccountAudit(tx, row.account, "account.password_reset_completed", meta, { resetId: row.id });
    await queuePasswordChangedEmail(tx, row.account, null);
    return version;
  });
  notifyOutbox();
  logger.info("password reset completed", { resetId: row.id, accountId: row.account.id });
  return { accountId: row.account.id, sessionVersion };
}
