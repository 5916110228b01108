import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { accounts, passwordResets } from "@/db/schema";
import { enqueueEmail, notifyOutbox } from "@/lib/email/outbox";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { logger } from "@/lib/logger";
import { normalizeEmail } from "@/lib/security/email";
import { hitRateLimit, minutesUntil, peekRateLimit, type RateLimitRule } from "@/lib/security/rate-limit";
import { generateKey, hashKey, keyMatches } from "@/lib/security/tokens";
import type { ForgotPasswordInput, ResetPasswordInput } from "@/lib/validations/password";
import { minimumPasswordLengthFor } from "./password-policy";
import { prepareNewPassword, queuePasswordChangedEmail, recordAccountAudit, storeNewPassword } from "./new-password";
import type { RequestMeta } from "./request-meta";

export const PASSWORD_RESET_VALIDITY_MS = 60 * 60 * 1000;

export const PASSWORD_RESET_LIMITS = {
  requestsPerAddress: { limit: 3, windowSeconds: 60 * 60 },
  requestsPerIp: { limit: 20, windowSeconds: 60 * 60 },
  attemptsPerReset: { limit: 10, windowSeconds: 15 * 60 },
  attemptsPerIp: { limit: 30, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

async function assertUnderLimits(
  db: Executor,
  rules: (readonly [string, RateLimitRule])[],
  code: string,
): Promise<void> {
  for (const [key, rule] of rules) {
    const state = await peekRateLimit(db, key, rule);
    if (state.limited)
      throw new DomainError(code, { status: 429, params: { minutes: minutesUntil(state.retryAfterSeconds) } });
  }
}

/**
 * For anyone: emails a single-use reset link valid one hour when the address belongs to an
 * active account. The answer is the same whether it does or not; requests are limited per
 * address and per IP, counted whether the address exists or not.
 */
export async function requestPasswordReset(
  input: ForgotPasswordInput,
  meta: RequestMeta,
  locale: AppLocale,
): Promise<void> {
  const db = await getDb();
  const email = normalizeEmail(input.email);
  const limits = [
    [`reset:request:${email}`, PASSWORD_RESET_LIMITS.requestsPerAddress],
    [`reset:request:ip:${meta.ip ?? "unknown"}`, PASSWORD_RESET_LIMITS.requestsPerIp],
  ] as const;
  await assertUnderLimits(db, [...limits], "password.resetRateLimited");
  for (const [key, rule] of limits) await hitRateLimit(db, key, rule);

  const [account] = await db
    .select({ id: accounts.id, name: accounts.name, email: accounts.email, locale: accounts.locale })
    .from(accounts)
    .where(and(eq(accounts.emailNormalized, email), eq(accounts.status, "active")));
  if (!account) return;

  const key = generateKey();
  const expiresAt = new Date(Date.now() + PASSWORD_RESET_VALIDITY_MS);
  const resetId = await db.transaction(async (tx) => {
    const [reset] = await tx
      .insert(passwordResets)
      .values({ accountId: account.id, keyHash: hashKey(key), expiresAt })
      .returning({ id: passwordResets.id });
    if (!reset) throw new Error("password reset insert returned no row");
    await enqueueEmail(tx, {
      organizationId: null,
      template: "password-reset",
      locale: account.locale ?? locale,
      to: account.email,
      payload: { accountName: account.name, resetId: reset.id, expiresAt: expiresAt.toISOString() },
      secret: { key },
    });
    await recordAccountAudit(tx, account, "account.password_reset_requested", meta, { resetId: reset.id });
    return reset.id;
  });
  notifyOutbox();
  logger.info("password reset requested", { resetId, accountId: account.id });
}

export type PasswordResetState = "valid" | "invalid" | "expired" | "used";

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
        status: accounts.status,
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
  if (!row || !keyMatches(key, row.keyHash) || row.account.status !== "active") return "invalid";
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
  const limits = [
    [`reset:attempts:${input.resetId}`, PASSWORD_RESET_LIMITS.attemptsPerReset],
    [`reset:attempts:ip:${meta.ip ?? "unknown"}`, PASSWORD_RESET_LIMITS.attemptsPerIp],
  ] as const;
  await assertUnderLimits(db, [...limits], "password.tooManyAttempts");
  const row = await loadReset(db, input.resetId);
  const state = stateOf(row, input.key);
  if (state === "invalid") for (const [key, rule] of limits) await hitRateLimit(db, key, rule);
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
