import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { accounts, memberships } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { normalizeEmail } from "@/lib/security/email";
import {
  clientKey,
  countAttempt,
  giveBackAttempt,
  minutesUntil,
  resetRateLimit,
  type RateLimitCheck,
  type RateLimitCount,
  type RateLimitRule,
} from "@/lib/security/rate-limit";
import type { SignInInput } from "@/lib/validations/auth";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import type { RequestMeta } from "./request-meta";

/**
 * Failures from one address and IP lock that pair only: a stranger elsewhere cannot lock the
 * owner out of their own network. The address-wide ceiling stops attacks spread over many IPs.
 */
export const SIGN_IN_LIMITS = {
  perIp: { limit: 30, windowSeconds: 15 * 60 },
  perAddressAndIp: { limit: 5, windowSeconds: 15 * 60 },
  perAddress: { limit: 50, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

export const signInRateLimitKeys = {
  ip: (ip: string | null) => `signin:ip:${clientKey(ip)}`,
  addressAndIp: (email: string, ip: string | null) => `signin:address-ip:${normalizeEmail(email)}|${clientKey(ip)}`,
  address: (email: string) => `signin:address:${normalizeEmail(email)}`,
};

export type Authenticated = { accountId: string; sessionVersion: number; passwordIsTemporary: boolean };

type Candidate = { id: string; name: string; email: string };

/** On the failure that reaches a lock's limit: an event in each organization of the account. */
async function recordLock(db: Database, account: Candidate, lock: RateLimitCount, meta: RequestMeta): Promise<void> {
  const scope = lock.rule === SIGN_IN_LIMITS.perAddress ? "address" : "addressAndIp";
  await db.transaction(async (tx) => {
    const orgs = await tx
      .select({ organizationId: memberships.organizationId })
      .from(memberships)
      .where(and(eq(memberships.accountId, account.id), eq(memberships.status, "active")));
    for (const organizationId of orgs.length ? orgs.map((o) => o.organizationId) : [null]) {
      await recordAudit(tx, {
        organizationId,
        actor: { accountId: null, name: null, email: null, meta },
        action: "account.sign_in_locked",
        target: { type: "account", id: account.id, label: account.email },
        details: { scope, failures: lock.rule.limit, lockedMinutes: minutesUntil(lock.retryAfterSeconds) },
      });
    }
  });
}

/**
 * Checks an email and password. Any wrong credential gives one generic error. Every attempt is
 * counted before the password is checked (per IP, per address and IP, per address), so parallel
 * attempts cannot exceed the limits; a success gives its count back. A temporary password only
 * works while the invitation that issued it is pending and unexpired.
 */
export async function authenticateWithPassword(input: SignInInput, meta: RequestMeta): Promise<Authenticated> {
  const db = await getDb();
  const email = normalizeEmail(input.email);
  const checks: RateLimitCheck[] = [
    [signInRateLimitKeys.ip(meta.ip), SIGN_IN_LIMITS.perIp],
    [signInRateLimitKeys.addressAndIp(email, meta.ip), SIGN_IN_LIMITS.perAddressAndIp],
    [signInRateLimitKeys.address(email), SIGN_IN_LIMITS.perAddress],
  ];
  const attempt = await countAttempt(db, checks);
  if (attempt.refused) {
    throw new DomainError("signInRateLimited", {
      status: 429,
      params: { minutes: minutesUntil(attempt.refused.retryAfterSeconds) },
    });
  }

  const [account] = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      email: accounts.email,
      passwordHash: accounts.passwordHash,
      passwordIsTemporary: accounts.passwordIsTemporary,
      sessionVersion: accounts.sessionVersion,
      // Spelled out: inside a select list the ORM would leave the outer columns unqualified.
      temporaryPasswordUsable: sql<boolean>`exists (
        select 1 from invitations i
        where i.id = accounts.temporary_password_invitation_id and i.account_id = accounts.id
          and i.status = 'pending' and i.expires_at > now())`,
    })
    .from(accounts)
    .where(eq(accounts.emailNormalized, email));

  const matches = account?.passwordHash
    ? await verifyPassword(input.password, account.passwordHash)
    : await verifyAgainstDecoy(input.password);
  const usable = matches && (!account?.passwordIsTemporary || account.temporaryPasswordUsable);

  if (!usable || !account) {
    const lock = attempt.counted.find((c) => c.rule !== SIGN_IN_LIMITS.perIp && c.hits === c.rule.limit);
    if (account && lock) await recordLock(db, account, lock, meta);
    throw new DomainError("invalidCredentials", { status: 400 });
  }

  // The owner's own failures from this address are forgiven; the address-wide and IP counts
  // keep earlier failures and give back only this attempt.
  await resetRateLimit(db, signInRateLimitKeys.addressAndIp(email, meta.ip));
  await giveBackAttempt(
    db,
    attempt.counted.filter((c) => c.rule !== SIGN_IN_LIMITS.perAddressAndIp),
  );
  await db
    .update(accounts)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(accounts.id, account.id));
  return {
    accountId: account.id,
    sessionVersion: account.sessionVersion,
    passwordIsTemporary: account.passwordIsTemporary,
  };
}
