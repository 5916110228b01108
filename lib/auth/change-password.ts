import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, invitations, organizations } from "@/db/schema";
import { DomainError, forbidden } from "@/lib/errors";
import { acceptLockedInvitation, lockPendingInvitationsOf } from "@/lib/invitations/accept";
import { logger } from "@/lib/logger";
import { notifyOutbox } from "@/lib/email/outbox";
import type { ChangePasswordInput } from "@/lib/validations/password";
import type { CurrentAccount } from "./current";
import { minimumPasswordLengthFor } from "./password-policy";
import {
  lockPasswordState,
  prepareNewPassword,
  queuePasswordChangedEmail,
  recordAccountAudit,
  storeNewPassword,
} from "./new-password";
import type { RequestMeta } from "./request-meta";

/**
 * For the signed-in account whose password is temporary (it signed in at the sign-in page):
 * replaces the password under its organizations' policy, ends its other sessions, and accepts
 * the invitation that issued the temporary password — knowing it proves the invitation reached
 * the invitee. Refused once that invitation is no longer pending (accepted, cancelled, lapsed).
 */
export async function changeTemporaryPassword(
  account: CurrentAccount,
  input: ChangePasswordInput,
  meta: RequestMeta,
): Promise<{ sessionVersion: number; organizationSlug: string | null }> {
  if (!account.passwordIsTemporary) throw forbidden();
  const db = await getDb();
  const [current] = await db
    .select({ passwordHash: accounts.passwordHash })
    .from(accounts)
    .where(eq(accounts.id, account.id));
  const passwordHash = await prepareNewPassword(db, account.id, input.newPassword, {
    hash: current?.passwordHash ?? null,
    isTemporary: true,
  });

  const result = await db.transaction(async (tx) => {
    // Invitations before the account: the same order as accepting through the link.
    const pending = await lockPendingInvitationsOf(tx, account.id);
    const locked = await lockPasswordState(tx, account.id);
    if (!locked?.passwordIsTemporary || locked.passwordHash !== current?.passwordHash) throw forbidden();
    // Other pending invitations (for the account as it exists) are accepted through their links.
    const issuing = pending.find((p) => p.id === locked.temporaryPasswordInvitationId);
    if (!issuing) throw new DomainError("password.temporaryExpired", { status: 403 });

    const sessionVersion = await storeNewPassword(tx, account.id, passwordHash);
    const accepted = await acceptLockedInvitation(tx, issuing, account, meta, { newAccount: true });
    await recordAccountAudit(tx, account, "account.password_changed", meta, { reason: "temporary" });
    await queuePasswordChangedEmail(tx, account, issuing.locale);
    return { sessionVersion, accepted };
  });
  notifyOutbox();
  logger.info("temporary password replaced", {
    accountId: account.id,
    acceptedInvitation: result.accepted.invitationId,
  });
  return { sessionVersion: result.sessionVersion, organizationSlug: result.accepted.organizationSlug };
}

/** What the change-password page tells a temporary-password account: the rules, and where it will join. */
export async function describeTemporaryPasswordChange(
  account: CurrentAccount,
): Promise<{ minPasswordLength: number; joining: string[] }> {
  if (!account.passwordIsTemporary) throw forbidden();
  const db = await getDb();
  const joining = await db
    .selectDistinct({ name: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .innerJoin(accounts, eq(accounts.temporaryPasswordInvitationId, invitations.id))
    .where(
      and(
        eq(accounts.id, account.id),
        eq(invitations.accountId, account.id),
        eq(invitations.status, "pending"),
        gt(invitations.expiresAt, sql`now()`),
      ),
    );
  return { minPasswordLength: await minimumPasswordLengthFor(db, account.id), joining: joining.map((j) => j.name) };
}
