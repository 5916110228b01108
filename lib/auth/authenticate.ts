import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, invitations } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { normalizeEmail } from "@/lib/security/email";
import {
  hitRateLimit,
  minutesUntil,
  peekRateLimit,
  resetRateLimit,
  type RateLimitRule,
} from "@/lib/security/rate-limit";
import type { SignInInput } from "@/lib/validations/auth";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import type { RequestMeta } from "./request-meta";

export const SIGN_IN_LIMITS = {
  perAccount: { limit: 5, windowSeconds: 15 * 60 },
  perIp: { limit: 30, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

export type Authenticated = { accountId: string; sessionVersion: number; passwordIsTemporary: boolean };

/**
 * Checks an email and password. Any wrong credential gives one generic error; repeated failures
 * per address and per IP are refused for a while, counted in the database so every instance
 * agrees. A temporary password only works while one of its invitations is pending and unexpired.
 */
export async function authenticateWithPassword(input: SignInInput, meta: RequestMeta): Promise<Authenticated> {
  const db = await getDb();
  const email = normalizeEmail(input.email);
  const accountKey = `signin:account:${email}`;
  const ipKey = `signin:ip:${meta.ip ?? "unknown"}`;

  for (const [key, rule] of [
    [accountKey, SIGN_IN_LIMITS.perAccount],
    [ipKey, SIGN_IN_LIMITS.perIp],
  ] as const) {
    const state = await peekRateLimit(db, key, rule);
    if (state.limited)
      throw new DomainError("signInRateLimited", {
        status: 429,
        params: { minutes: minutesUntil(state.retryAfterSeconds) },
      });
  }

  const [account] = await db
    .select({
      id: accounts.id,
      passwordHash: accounts.passwordHash,
      passwordIsTemporary: accounts.passwordIsTemporary,
      status: accounts.status,
      sessionVersion: accounts.sessionVersion,
    })
    .from(accounts)
    .where(eq(accounts.emailNormalized, email));

  const matches = account?.passwordHash
    ? await verifyPassword(input.password, account.passwordHash)
    : await verifyAgainstDecoy(input.password);

  let usable = matches && account?.status === "active";
  if (usable && account?.passwordIsTemporary) {
    const [pending] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .where(
        and(
          eq(invitations.accountId, account.id),
          eq(invitations.status, "pending"),
          gt(invitations.expiresAt, sql`now()`),
        ),
      )
      .limit(1);
    usable = Boolean(pending);
  }

  if (!usable || !account) {
    await hitRateLimit(db, accountKey, SIGN_IN_LIMITS.perAccount);
    await hitRateLimit(db, ipKey, SIGN_IN_LIMITS.perIp);
    throw new DomainError("invalidCredentials", { status: 400 });
  }

  await resetRateLimit(db, accountKey);
  await db
    .update(accounts)
    .set({ lastSignInAt: sql`now()`, createdByInvitationId: null })
    .where(eq(accounts.id, account.id));
  return {
    accountId: account.id,
    sessionVersion: account.sessionVersion,
    passwordIsTemporary: account.passwordIsTemporary,
  };
}
