import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Database, type Transaction } from "@/db/client";
import { accounts, emailOutbox, invitations, memberships, type Invitation } from "@/db/schema";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit/record";
import { notifyOutbox } from "@/lib/email/outbox";
import { DomainError, notFound } from "@/lib/errors";
import { giveBackAttempt } from "@/lib/security/rate-limit";
import { generateKey, generateTemporaryPassword, hashKey } from "@/lib/security/tokens";
import { readSettings, type SettingsSnapshot } from "@/lib/settings/read";
import type { InvitationIdInput, ReinviteInput } from "@/lib/validations/members";
import { assertUnderPendingCap, countInvitationSend } from "./create";
import { queueInvitationEmail } from "./email";
import { sealPasswordSheet } from "./password-sheet";

const DAY_MS = 86_400_000;

/** An invitation that was never accepted nor cancelled: pending, or lapsed. */
const OPEN_STATUSES = ["pending", "expired"] as const;

async function lockOpenInvitation(tx: Transaction, actor: Actor, invitationId: string) {
  // The join locks the account's row too: the password it holds is decided under this lock.
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
      accountPasswordIsTemporary: accounts.passwordIsTemporary,
      accountTemporaryPasswordInvitationId: accounts.temporaryPasswordInvitationId,
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

type PasswordOwnership = {
  id: string;
  passwordDelivery: Invitation["passwordDelivery"];
  accountPasswordIsTemporary: boolean;
  accountTemporaryPasswordInvitationId: string | null;
};

/**
 * Whether the account's temporary password is this invitation's: the invitation created the
 * account (only then does it deliver a password) and no password has been chosen since. Whether
 * someone signed in with it does not matter. An account with no owner recorded (one signed in
 * before owners were recorded) is claimed by the invitation that created it.
 */
function ownsTemporaryPassword(row: PasswordOwnership): boolean {
  return (
    row.passwordDelivery !== "none" &&
    row.accountPasswordIsTemporary &&
    (row.accountTemporaryPasswordInvitationId === null || row.accountTemporaryPasswordInvitationId === row.id)
  );
}

/** How a new temporary password reaches the invitee under the settings of the moment, as the wizard decides it. */
function deliveryUnder(
  policy: SettingsSnapshot["temporaryPasswordPolicy"],
  choice: ReinviteInput["passwordDelivery"],
): "email" | "manual" {
  if (policy === "send") return "email";
  if (policy === "not_send") return "manual";
  if (!choice) throw new DomainError("invite-wizard.deliveryRequired", { field: "passwordDelivery" });
  return choice;
}

/** Outside a transaction, without locks: what `ownsTemporaryPassword` needs, of an open invitation. */
async function peekOpenInvitation(db: Database, actor: Actor, invitationId: string): Promise<PasswordOwnership> {
  const [row] = await db
    .select({
      id: invitations.id,
      status: invitations.status,
      passwordDelivery: invitations.passwordDelivery,
      accountPasswordIsTemporary: accounts.passwordIsTemporary,
      accountTemporaryPasswordInvitationId: accounts.temporaryPasswordInvitationId,
    })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, actor.organizationId)));
  if (!row) throw notFound();
  if (!(OPEN_STATUSES as readonly string[]).includes(row.status))
    throw new DomainError("users.invitationClosed", { status: 409 });
  return row;
}

/** What the re-invite dialog needs to know beforehand: whether a new temporary password goes out, and how. */
export type ReinvitePreview = {
  issuesTemporaryPassword: boolean;
  passwordPolicy: SettingsSnapshot["temporaryPasswordPolicy"];
};

/** For members who manage invitations: what re-inviting this open invitation would do with its password. Reads only. */
export async function previewReinvite(actor: Actor, input: InvitationIdInput): Promise<ReinvitePreview> {
  assertCan(actor, "invitations:manage");
  const db = await getDb();
  const row = await peekOpenInvitation(db, actor, input.invitationId);
  const { temporaryPasswordPolicy } = await readSettings(db, actor.organizationId);
  return { issuesTemporaryPassword: ownsTemporaryPassword(row), passwordPolicy: temporaryPasswordPolicy };
}

export type ReinviteResult = {
  invitationId: string;
  expiresAt: Date;
  /** How the new temporary password travels, or null when none was issued. */
  passwordDelivery: "email" | "manual" | null;
  /** Only when the administrator hands the password over: shown once, never stored in clear. */
  temporaryPassword?: string;
  /** With `temporaryPassword`: sealed, short-lived, single-use, for the password sheet (PDF). */
  passwordSheetToken?: string;
};

/** Re-sends the invitation once it has been counted: the hash, then one transaction. */
async function resend(db: Database, actor: Actor, input: ReinviteInput) {
  // Hashing takes a while: do it before the transaction, on what the invitation looks like now,
  // and check inside the transaction that this still holds.
  const peek = await peekOpenInvitation(db, actor, input.invitationId);
  let temporaryPassword: string | undefined;
  let passwordHash: string | undefined;
  if (ownsTemporaryPassword(peek)) {
    // Refuse a missing choice before spending a hash on it.
    deliveryUnder((await readSettings(db, actor.organizationId)).temporaryPasswordPolicy, input.passwordDelivery);
    temporaryPassword = generateTemporaryPassword();
    passwordHash = await hashPassword(temporaryPassword);
  }

  const sent = await db.transaction(async (tx) => {
    await lockActor(tx, actor, "invitations:manage");
    const invitation = await lockOpenInvitation(tx, actor, input.invitationId);
    // An invitation marked expired is pending again once re-sent: it counts against the cap.
    if (invitation.status !== "pending") await assertUnderPendingCap(tx, actor);
    const issues = ownsTemporaryPassword(invitation);
    if (issues !== Boolean(passwordHash)) throw new DomainError("users.invitationChanged", { status: 409 });

    const settings = await readSettings(tx, actor.organizationId);
    const delivery = issues ? deliveryUnder(settings.temporaryPasswordPolicy, input.passwordDelivery) : null;
    const key = generateKey();
    const expiresAt = new Date(Date.now() + settings.invitationValidityDays * DAY_MS);
    const sendCount = invitation.sendCount + 1;
    if (passwordHash) {
      // The old temporary password dies with its hash, and so do the sessions it opened: they
      // could otherwise still choose a password for the account.
      await tx
        .update(accounts)
        .set({
          passwordHash,
          passwordIsTemporary: true,
          temporaryPasswordInvitationId: invitation.id,
          sessionVersion: sql`${accounts.sessionVersion} + 1`,
        })
        .where(eq(accounts.id, invitation.accountId));
    }
    const passwordDelivery = delivery ?? invitation.passwordDelivery;
    const emailId = await queueInvitationEmail(tx, {
      // An account whose password was chosen since keeps it: the email only asks to sign in.
      invitation: { ...invitation, expiresAt, passwordDelivery: delivery ?? "none" },
      organizationName: actor.organizationName,
      inviter: { name: actor.name, email: actor.email },
      key,
      temporaryPassword: delivery === "email" ? temporaryPassword : undefined,
    });
    await tx
      .update(invitations)
      .set({
        keyHash: hashKey(key),
        expiresAt,
        status: "pending",
        passwordDelivery,
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
      details: {
        sendCount,
        expiresAt: expiresAt.toISOString(),
        newTemporaryPassword: issues,
        ...(delivery ? { passwordDelivery: delivery } : {}),
      },
    });
    return { invitationId: invitation.id, email: invitation.email, expiresAt, delivery, key };
  });
  return { ...sent, temporaryPassword };
}

/**
 * For members who manage invitations: sends a pending or lapsed invitation again with a new key
 * (the previous one stops working at once, its hash being replaced) and a new expiry from the
 * settings as they are now. When the account's temporary password belongs to the invitation,
 * used or not, a new one replaces it (the old one and the sessions it opened end) and travels as
 * the settings say now: emailed, handed back once, or as the caller chose when they say Ask.
 * Audited as `invitation.resent`.
 */
export async function reinvite(actor: Actor, input: ReinviteInput): Promise<ReinviteResult> {
  assertCan(actor, "invitations:manage");
  // A re-send is an email from the product's sender like a first send: counted against the same
  // limits first, before any hash; given back when nothing is sent after all.
  const count = await countInvitationSend(actor);
  if ("refused" in count)
    throw new DomainError(count.refused.code, { status: 429, params: { minutes: count.refused.minutes } });
  const db = await getDb();
  let result: Awaited<ReturnType<typeof resend>>;
  try {
    result = await resend(db, actor, input);
  } catch (error) {
    await giveBackAttempt(db, count.counted);
    throw error;
  }
  const { temporaryPassword } = result;
  notifyOutbox();
  const base = { invitationId: result.invitationId, expiresAt: result.expiresAt, passwordDelivery: result.delivery };
  if (result.delivery !== "manual" || !temporaryPassword) return base;
  return {
    ...base,
    temporaryPassword,
    passwordSheetToken: sealPasswordSheet({
      invitationId: result.invitationId,
      organizationId: actor.organizationId,
      inviterAccountId: actor.accountId,
      email: result.email,
      temporaryPassword,
      key: result.key,
      invitationExpiresAt: result.expiresAt.toISOString(),
    }),
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
  assertCan(actor, "invitations:manage");
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
    const temporaryPasswordRevoked = !accountRemoved && ownsTemporaryPassword(invitation);
    if (temporaryPasswordRevoked) {
      // The account stays (used, or invited elsewhere meanwhile) but its temporary password was
      // this invitation's: it dies here, with the sessions it opened. A reset link sets a password.
      await tx
        .update(accounts)
        .set({
          passwordHash: null,
          passwordIsTemporary: false,
          temporaryPasswordInvitationId: null,
          sessionVersion: sql`${accounts.sessionVersion} + 1`,
        })
        .where(eq(accounts.id, invitation.accountId));
    }
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "invitation.revoked",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
      details: { accountRemoved, temporaryPasswordRevoked },
    });
    return { invitationId: invitation.id, accountRemoved };
  });
}
