import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Executor, Transaction } from "@/db/client";
import { accounts, memberships } from "@/db/schema";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { enqueueEmail } from "@/lib/email/outbox";
import { DomainError } from "@/lib/errors";
import { defaultLocale, type AppLocale } from "@/lib/i18n/config";
import { hashPassword, verifyPassword } from "./password";
import { assertNewPasswordAllowed, minimumPasswordLengthFor } from "./password-policy";
import type { RequestMeta } from "./request-meta";

// What the three ways of setting a password (first sign-in from an invitation, the
// change-password page, a reset link) share.

export type PasswordOwner = { id: string; name: string; email: string; locale: AppLocale | null };

/**
 * Checks a new password against the policy of the account's organizations and against the
 * password it replaces, then hashes it (off the event loop). Throws field errors on `newPassword`.
 */
export async function prepareNewPassword(
  db: Executor,
  accountId: string,
  password: string,
  replaces: { hash: string | null; isTemporary: boolean; temporaryPassword?: string },
): Promise<string> {
  assertNewPasswordAllowed(password, {
    minLength: await minimumPasswordLengthFor(db, accountId),
    temporaryPassword: replaces.temporaryPassword,
  });
  if (replaces.hash && (await verifyPassword(password, replaces.hash))) {
    throw new DomainError(replaces.isTemporary ? "password.sameAsTemporary" : "password.sameAsCurrent", {
      field: "newPassword",
    });
  }
  return hashPassword(password);
}

/** Inside the caller's transaction: locks the account and reads its password, temporary or not, and the invitation that issued it. */
export async function lockPasswordState(
  tx: Transaction,
  accountId: string,
): Promise<
  | { passwordHash: string | null; passwordIsTemporary: boolean; temporaryPasswordInvitationId: string | null }
  | undefined
> {
  const [row] = await tx
    .select({
      passwordHash: accounts.passwordHash,
      passwordIsTemporary: accounts.passwordIsTemporary,
      temporaryPasswordInvitationId: accounts.temporaryPasswordInvitationId,
    })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .for("update");
  return row;
}

/**
 * Inside the caller's transaction: stores the new hash, makes the password permanent (no
 * invitation owns it any more), forgets that an invitation created the account, and bumps the
 * session version so that every other session ends. Returns the new version, for this browser's
 * session.
 */
export async function storeNewPassword(tx: Transaction, accountId: string, passwordHash: string): Promise<number> {
  const [row] = await tx
    .update(accounts)
    .set({
      passwordHash,
      passwordIsTemporary: false,
      temporaryPasswordInvitationId: null,
      createdByInvitationId: null,
      sessionVersion: sql`${accounts.sessionVersion} + 1`,
      passwordChangedAt: sql`now()`,
      lastSignInAt: sql`now()`,
    })
    .where(eq(accounts.id, accountId))
    .returning({ sessionVersion: accounts.sessionVersion });
  if (!row) throw new Error("password update returned no row");
  return row.sessionVersion;
}

/**
 * Records an account-level event in the audit of every organization where the account is an
 * active member, so that their administrators see it; once without an organization otherwise.
 */
export async function recordAccountAudit(
  tx: Transaction,
  account: PasswordOwner,
  action: AuditAction,
  meta: RequestMeta,
  details: Record<string, unknown> = {},
): Promise<void> {
  const orgs = await tx
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.accountId, account.id), eq(memberships.status, "active")));
  const actor: AuditInput["actor"] = { accountId: account.id, name: account.name, email: account.email, meta };
  const target = { type: "account", id: account.id, label: account.email };
  for (const organizationId of orgs.length ? orgs.map((o) => o.organizationId) : [null]) {
    await recordAudit(tx, { organizationId, actor, action, target, details });
  }
}

/** Queues the "your password was changed" notice to the account's own address. */
export async function queuePasswordChangedEmail(
  tx: Transaction,
  account: PasswordOwner,
  fallbackLocale: AppLocale | null,
): Promise<void> {
  await enqueueEmail(tx, {
    organizationId: null,
    template: "password-changed",
    locale: account.locale ?? fallbackLocale ?? defaultLocale,
    to: account.email,
    payload: { accountName: account.name, changedAt: new Date().toISOString() },
  });
}
