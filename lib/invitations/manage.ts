import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Transaction } from "@/db/client";
import { accounts, emailOutbox, invitations, memberships } from "@/db/schema";
import { lockActor, type Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit/record";
import { notifyOutbox } from "@/lib/email/outbox";
import { DomainError, notFound } from "@/lib/errors";
import { generateKey, generateTemporaryPassword, hashKey } from "@/lib/security/tokens";
import { readSettings } from "@/lib/settings/read";
import type { InvitationIdInput } from "@/lib/validations/members";
import { queueInvitationEmail } from "./email";

const DAY_MS = 86_400_000;

/** An invitation that was never accepted nor cancelled: pending, or lapsed. */
const OPEN_STATUSES = ["pending", "expired"] as const;

async function lockOpenInvitation(tx: Transaction, actor: Actor, invitationId: string) {
  const [row] = await tx
    .select({
      id: invitations.id,
      organizationId: invitations.organizationId,
      accountId: invitations.accountId,
      email: invitations.email,
      role: invitations.role,
      status: invitations.status,
      locale: invitations.locale,
      personalMessage: invitations.personalMessage,
      passwordDelivery: invitations.passwordDelivery,
      sendCount: invitations.sendCount,
      lastEmailId: invitations.lastEmailId,
      accountCreatedByInvitationId: accounts.createdByInvitationId,
      accountLastSignInAt: accounts.lastSignInAt,
    })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, actor.organizationId)))
    .for("update");
  if (!row) throw notFound();
  if (!(OPEN_STATUSES as readonly string[]).includes(row.status))
    throw new DomainError("users.invitationClosed", { status: 409 });
  return row;
}

/** A new temporary password goes with a re-invite only to an account the invitation created and nobody has used. */
function reissuesPassword(row: {
  id: string;
  passwordDelivery: string;
  accountCreatedByInvitationId: string | null;
}): boolean {
  return row.passwordDelivery !== "none" && row.accountCreatedByInvitationId === row.id;
}

export type ReinviteResult = {
  invitationId: string;
  expiresAt: Date;
  /** Only when the administrator hands the password over: shown once, never stored in clear. */
  temporaryPassword?: string;
};

/**
 * For members who manage invitations: sends a pending or lapsed invitation again with a new key
 * (the previous one stops working at once, its hash being replaced), a new expiry from the
 * settings as they are now, and — for an account created by the invitation — a new temporary
 * password. Audited as `invitation.resent`.
 */
export async function reinvite(actor: Actor, input: InvitationIdInput): Promise<ReinviteResult> {
  const db = await getDb();
  // Hashing takes a while: do it before the transaction, on what the invitation looks like now,
  // and check inside the transaction that this still holds.
  const [peek] = await db
    .select({
      id: invitations.id,
      passwordDelivery: invitations.passwordDelivery,
      accountCreatedByInvitationId: accounts.createdByInvitationId,
    })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(and(eq(invitations.id, input.invitationId), eq(invitations.organizationId, actor.organizationId)));
  if (!peek) throw notFound();
  const temporaryPassword = reissuesPassword(peek) ? generateTemporaryPassword() : undefined;
  const passwordHash = temporaryPassword ? await hashPassword(temporaryPassword) : undefined;

  const result = await db.transaction(async (tx) => {
    await lockActor(tx, actor, "invitations:manage");
    const invitation = await lockOpenInvitation(tx, actor, input.invitationId);
    if (reissuesPassword(invitation) !== Boolean(temporaryPassword))
      throw new DomainError("users.invitationChanged", { status: 409 });

    const settings = await readSettings(tx, actor.organizationId);
    const key = generateKey();
    const expiresAt = new Date(Date.now() + settings.invitationValidityDays * DAY_MS);
    const sendCount = invitation.sendCount + 1;
    if (passwordHash) {
      await tx
        .update(accounts)
        .set({ passwordHash, passwordIsTemporary: true })
        .where(and(eq(accounts.id, invitation.accountId), eq(accounts.createdByInvitationId, invitation.id)));
    }
    const emailId = await queueInvitationEmail(tx, {
      // An account that has been used since keeps its password: the email only asks to sign in.
      invitation: {
        ...invitation,
        expiresAt,
        passwordDelivery: temporaryPassword ? invitation.passwordDelivery : "none",
      },
      organizationName: actor.organizationName,
      inviter: { name: actor.name, email: actor.email },
      key,
      temporaryPassword: invitation.passwordDelivery === "email" ? temporaryPassword : undefined,
    });
    await tx
      .update(invitations)
      .set({
        keyHash: hashKey(key),
        expiresAt,
        status: "pending",
        sendCount,
        lastEmailId: emailId,
        updatedAt: new Date(),
      })
      .where(eq(invitations.id, invitation.id));
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "invitation.resent",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
      details: { sendCount, expiresAt: expiresAt.toISOString(), newTemporaryPassword: Boolean(temporaryPassword) },
    });
    return { invitationId: invitation.id, expiresAt, passwordDelivery: invitation.passwordDelivery };
  });
  notifyOutbox();
  return {
    invitationId: result.invitationId,
    expiresAt: result.expiresAt,
    ...(result.passwordDelivery === "manual" && temporaryPassword ? { temporaryPassword } : {}),
  };
}

/**
 * For members who manage invitations: cancels a pending or lapsed invitation. Its key stops
 * working, the invited membership goes, an email not yet delivered is not sent, and an account
 * created only for this invitation and never used is deleted, so the address can be invited
 * afresh. Audited as `invitation.revoked`.
 */
export async function cancelInvitation(
  actor: Actor,
  input: InvitationIdInput,
): Promise<{ invitationId: string; accountRemoved: boolean }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "invitations:manage");
    const invitation = await lockOpenInvitation(tx, actor, input.invitationId);
    const now = new Date();

    await tx
      .update(invitations)
      .set({ status: "revoked", revokedAt: now, updatedAt: now })
      .where(eq(invitations.id, invitation.id));
    await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.organizationId, actor.organizationId),
          eq(memberships.accountId, invitation.accountId),
          eq(memberships.status, "invited"),
        ),
      );
    if (invitation.lastEmailId) {
      await tx
        .update(emailOutbox)
        .set({ status: "failed", lastError: "invitation cancelled", secretCiphertext: null })
        .where(and(eq(emailOutbox.id, invitation.lastEmailId), inArray(emailOutbox.status, ["queued", "retrying"])));
    }

    let accountRemoved = false;
    if (invitation.accountCreatedByInvitationId === invitation.id && !invitation.accountLastSignInAt) {
      const [other] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(memberships)
        .where(eq(memberships.accountId, invitation.accountId));
      // Another organization may have invited the same address meanwhile: then the account stays.
      if (Number(other?.n ?? 0) === 0) {
        await tx
          .delete(accounts)
          .where(and(eq(accounts.id, invitation.accountId), eq(accounts.createdByInvitationId, invitation.id)));
        accountRemoved = true;
      }
    }
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "invitation.revoked",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
      details: { accountRemoved },
    });
    return { invitationId: invitation.id, accountRemoved };
  });
}
