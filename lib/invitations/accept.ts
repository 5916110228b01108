import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { getDb, type Database, type Executor, type Transaction } from "@/db/client";
import { accounts, invitations, memberships, organizations, organizationSettings, type Invitation } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { CurrentAccount } from "@/lib/auth/current";
import {
  lockPasswordState,
  prepareNewPassword,
  queuePasswordChangedEmail,
  recordAccountAudit,
  storeNewPassword,
  type PasswordOwner,
} from "@/lib/auth/new-password";
import { verifyAgainstDecoy, verifyPassword } from "@/lib/auth/password";
import { minimumPasswordLengthFor } from "@/lib/auth/password-policy";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { enqueueEmail, notifyOutbox } from "@/lib/email/outbox";
import type { EmailMessage } from "@/lib/email/types";
import { DomainError, forbidden } from "@/lib/errors";
import { logger } from "@/lib/logger";
import {
  clientKey,
  countAttempt,
  giveBackAttempt,
  minutesUntil,
  peekRateLimit,
  type RateLimitCheck,
  type RateLimitCount,
  type RateLimitRule,
} from "@/lib/security/rate-limit";
import { keyMatches } from "@/lib/security/tokens";
import { readSettings } from "@/lib/settings/read";
import type {
  CompleteNewAccountInput,
  InvitationKeyInput,
  TemporaryPasswordInput,
} from "@/lib/validations/accept-invitation";

/** Wrong keys and wrong temporary passwords, counted together, per invitation and per IP. */
export const INVITATION_ATTEMPT_LIMITS = {
  perInvitation: { limit: 10, windowSeconds: 15 * 60 },
  perIp: { limit: 30, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

type ClosedInvitationState = "invalid" | "expired" | "revoked" | "accepted" | "declined";

/** What the invitation page may show: the details only to the holder of a valid key. */
export type PendingInvitation = {
  id: string;
  organizationName: string;
  inviterName: string | null;
  inviterEmail: string | null;
  role: "administrator" | "user";
  email: string;
  expiresAt: Date;
  accountId: string;
  /** `new`: the account still has the temporary password; `existing`: it signs in to accept. */
  accountKind: "existing" | "new";
  /** What a new password must have at least: the strictest of the account's organizations. */
  minPasswordLength: number;
  /** The organization requires administrators to enroll in two-step verification before entering. */
  twoStepRequired: boolean;
};

export type InvitationView =
  | { state: "pending"; invitation: PendingInvitation }
  | { state: Exclude<ClosedInvitationState, "invalid"> }
  | { state: "invalid"; retryInMinutes: number | null };

const inviter = alias(accounts, "inviter");
const invitee = alias(accounts, "invitee");

async function loadInvitation(db: Executor, id: string) {
  const [row] = await db
    .select({
      id: invitations.id,
      organizationId: invitations.organizationId,
      organizationName: organizations.name,
      organizationSlug: organizations.slug,
      twoStepRequirement: organizationSettings.twoStepRequirement,
      accountId: invitations.accountId,
      email: invitations.email,
      role: invitations.role,
      status: invitations.status,
      expiresAt: invitations.expiresAt,
      keyHash: invitations.keyHash,
      locale: invitations.locale,
      passwordDelivery: invitations.passwordDelivery,
      tags: invitations.tags,
      accessExpiresAt: invitations.accessExpiresAt,
      invitedByAccountId: invitations.invitedByAccountId,
      createdAt: invitations.createdAt,
      inviterName: inviter.name,
      inviterEmail: inviter.email,
      inviterLocale: inviter.locale,
      account: {
        id: invitee.id,
        name: invitee.name,
        email: invitee.email,
        locale: invitee.locale,
        passwordHash: invitee.passwordHash,
        passwordIsTemporary: invitee.passwordIsTemporary,
        temporaryPasswordInvitationId: invitee.temporaryPasswordInvitationId,
      },
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(organizationSettings, eq(organizationSettings.organizationId, invitations.organizationId))
    .innerJoin(invitee, eq(invitee.id, invitations.accountId))
    .leftJoin(inviter, eq(inviter.id, invitations.invitedByAccountId))
    .where(eq(invitations.id, id));
  return row;
}
type LoadedInvitation = NonNullable<Awaited<ReturnType<typeof loadInvitation>>>;

function stateOf(row: Pick<Invitation, "status" | "expiresAt">): "pending" | Exclude<ClosedInvitationState, "invalid"> {
  if (row.status === "pending") return row.expiresAt.getTime() <= Date.now() ? "expired" : "pending";
  return row.status;
}

const stateErrors: Record<Exclude<ClosedInvitationState, "invalid">, string> = {
  expired: "invite.expired",
  revoked: "invite.revoked",
  accepted: "invite.alreadyAccepted",
  declined: "invite.declined",
};

function assertPending(row: LoadedInvitation): void {
  const state = stateOf(row);
  if (state !== "pending") throw new DomainError(stateErrors[state], { status: 409 });
}

const wrongKey = () => new DomainError("invite.wrongKey", { status: 404 });
const isUuid = (value: string) => z.uuid().safeParse(value).success;

const attemptChecks = (invitationId: string, meta: RequestMeta): RateLimitCheck[] => [
  [`invite:attempts:ip:${clientKey(meta.ip)}`, INVITATION_ATTEMPT_LIMITS.perIp],
  [`invite:attempts:${invitationId.toLowerCase()}`, INVITATION_ATTEMPT_LIMITS.perInvitation],
];

/** Minutes to wait when this invitation or this address has used up its attempts, else null. For display. */
async function attemptsBlocked(db: Executor, invitationId: string, meta: RequestMeta): Promise<number | null> {
  for (const [key, rule] of attemptChecks(invitationId, meta)) {
    const state = await peekRateLimit(db, key, rule);
    if (state.limited) return minutesUntil(state.retryAfterSeconds);
  }
  return null;
}

/** An attempt with a key (and maybe a temporary password), counted before anything is checked. */
type Attempt = { row: LoadedInvitation; counted: RateLimitCount[] };

/** After a wrong key or temporary password: the attempt that reaches a limit is audited once. */
async function recordFailedAttempt(
  db: Database,
  invitationId: string,
  row: LoadedInvitation | undefined,
  counted: readonly RateLimitCount[],
  meta: RequestMeta,
  kind: "key" | "temporaryPassword",
) {
  const reached = counted
    .filter((c) => c.hits === c.rule.limit)
    .map((c) => (c.rule === INVITATION_ATTEMPT_LIMITS.perInvitation ? "invitation" : "ip"));
  if (!reached.length) return;
  logger.warn("invitation attempts exceeded", { invitationId, limits: reached, ip: meta.ip });
  if (!row) return;
  await db.transaction((tx) =>
    recordAudit(tx, {
      organizationId: row.organizationId,
      actor: { accountId: null, name: null, email: null, meta },
      action: "invitation.attempts_exceeded",
      target: { type: "invitation", id: row.id, label: row.email },
      details: { limits: reached, lastAttempt: kind },
    }),
  );
}

/**
 * The invitation behind an ID and key, for a POST. The attempt is counted first (per IP, per
 * invitation) and a used-up limit refuses before the key is even compared; the caller gives the
 * count back once every secret of the attempt proved right.
 */
async function openForAttempt(db: Database, input: InvitationKeyInput, meta: RequestMeta): Promise<Attempt> {
  const attempt = await countAttempt(db, attemptChecks(input.invitationId, meta));
  if (attempt.refused) {
    throw new DomainError("invite.tooManyAttempts", {
      status: 429,
      params: { minutes: minutesUntil(attempt.refused.retryAfterSeconds) },
    });
  }
  const row = await loadInvitation(db, input.invitationId);
  if (!row || !keyMatches(input.key, row.keyHash)) {
    await recordFailedAttempt(db, input.invitationId, row, attempt.counted, meta, "key");
    throw wrongKey();
  }
  return { row, counted: attempt.counted };
}

/** For the flows where the key is the only secret: a right key gives its count back. */
async function openWithKey(db: Database, input: InvitationKeyInput, meta: RequestMeta): Promise<LoadedInvitation> {
  const { row, counted } = await openForAttempt(db, input, meta);
  await giveBackAttempt(db, counted);
  return row;
}

/** Inside a transaction: locks the invitation and checks again that the key holds and it is pending. */
async function lockPending(tx: Transaction, input: InvitationKeyInput): Promise<LoadedInvitation> {
  await tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.id, input.invitationId)).for("update");
  const row = await loadInvitation(tx, input.invitationId);
  // A re-invite between the first check and the lock replaced the key.
  if (!row || !keyMatches(input.key, row.keyHash)) throw wrongKey();
  assertPending(row);
  return row;
}

/**
 * For anyone holding a link (GET and HEAD included): what the invitation page shows. Reads only —
 * a mail scanner that opens the link changes nothing. A wrong key reveals nothing but that.
 */
export async function viewInvitation(invitationId: string, key: string, meta: RequestMeta): Promise<InvitationView> {
  if (!isUuid(invitationId)) return { state: "invalid", retryInMinutes: null };
  const db = await getDb();
  const row = await loadInvitation(db, invitationId);
  if (!row || !keyMatches(key, row.keyHash)) {
    return { state: "invalid", retryInMinutes: await attemptsBlocked(db, invitationId, meta) };
  }
  const state = stateOf(row);
  if (state !== "pending") return { state };
  return {
    state: "pending",
    invitation: {
      id: row.id,
      organizationName: row.organizationName,
      inviterName: row.inviterName,
      inviterEmail: row.inviterEmail,
      role: row.role,
      email: row.email,
      expiresAt: row.expiresAt,
      accountId: row.accountId,
      accountKind: row.account.passwordIsTemporary ? "new" : "existing",
      minPasswordLength: await minimumPasswordLengthFor(db, row.accountId),
      twoStepRequired: row.role === "administrator" && row.twoStepRequirement === "required",
    },
  };
}

/**
 * For the manual form: checks an ID and key typed by hand (wrong ones counted like any attempt)
 * so that the page can then open the invitation; changes nothing else.
 */
export async function checkInvitationKey(input: InvitationKeyInput, meta: RequestMeta): Promise<void> {
  await openWithKey(await getDb(), input, meta);
}

/** Inside a transaction, the account's pending, unexpired invitations, locked. */
export async function lockPendingInvitationsOf(tx: Transaction, accountId: string): Promise<LoadedInvitation[]> {
  const pending = await tx
    .select({ id: invitations.id })
    .from(invitations)
    .where(
      and(
        eq(invitations.accountId, accountId),
        eq(invitations.status, "pending"),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(invitations.createdAt))
    .for("update");
  const rows = await Promise.all(pending.map((p) => loadInvitation(tx, p.id)));
  return rows.filter((r): r is LoadedInvitation => Boolean(r));
}

/**
 * Inside the caller's transaction, on an invitation it has locked and found pending: activates
 * the membership, marks the invitation accepted, audits, and queues the inviter's notice.
 */
export async function acceptLockedInvitation(
  tx: Transaction,
  row: LoadedInvitation,
  account: PasswordOwner,
  meta: RequestMeta,
  options: { newAccount: boolean },
): Promise<{ invitationId: string; organizationSlug: string }> {
  const [membership] = await tx
    .select({ id: memberships.id, status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.organizationId, row.organizationId), eq(memberships.accountId, row.accountId)))
    .for("update");
  let membershipId = membership?.id;
  if (!membership) {
    const [inserted] = await tx
      .insert(memberships)
      .values({
        organizationId: row.organizationId,
        accountId: row.accountId,
        role: row.role,
        status: "active",
        accessExpiresAt: row.accessExpiresAt,
        tags: row.tags,
        invitedByAccountId: row.invitedByAccountId,
        invitedAt: row.createdAt,
        joinedAt: sql`now()`,
      })
      .returning({ id: memberships.id });
    membershipId = inserted?.id;
  } else if (membership.status === "invited") {
    await tx
      .update(memberships)
      .set({ status: "active", joinedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(memberships.id, membership.id));
  }

  const acceptedAt = new Date();
  await tx
    .update(invitations)
    .set({ status: "accepted", acceptedAt, updatedAt: acceptedAt, membershipId })
    .where(eq(invitations.id, row.id));
  await tx
    .update(accounts)
    .set({ createdByInvitationId: null })
    .where(and(eq(accounts.id, row.accountId), eq(accounts.createdByInvitationId, row.id)));
  await recordAudit(tx, {
    organizationId: row.organizationId,
    actor: { accountId: account.id, name: account.name, email: account.email, meta },
    action: "invitation.accepted",
    target: { type: "invitation", id: row.id, label: row.email },
    details: { role: row.role, membershipId, newAccount: options.newAccount },
  });
  await tellInviter(tx, row, {
    template: "invitation-accepted",
    payload: {
      organizationName: row.organizationName,
      inviteeName: account.name,
      inviteeEmail: account.email,
      acceptedAt: acceptedAt.toISOString(),
    },
  });
  return { invitationId: row.id, organizationSlug: row.organizationSlug };
}

/** Inside the caller's transaction: queues the invitee's answer to the inviter, in the inviter's language, while the inviter has an account. */
async function tellInviter(
  tx: Transaction,
  row: LoadedInvitation,
  answer:
    | Pick<EmailMessage<"invitation-accepted">, "template" | "payload">
    | Pick<EmailMessage<"invitation-declined">, "template" | "payload">,
): Promise<void> {
  if (!row.invitedByAccountId || !row.inviterEmail) return;
  await enqueueEmail(tx, {
    organizationId: row.organizationId,
    locale: row.inviterLocale ?? (await readSettings(tx, row.organizationId)).defaultLocale,
    to: row.inviterEmail,
    ...answer,
  });
}

function assertSameAccount(row: LoadedInvitation, account: CurrentAccount): void {
  if (row.accountId !== account.id)
    throw new DomainError("invite.otherAccount", { status: 403, params: { email: row.email } });
}

/**
 * For the signed-in account the invitation is for (permanent password): joins the organization.
 * Two acceptances at once leave one membership; the second gets `invite.alreadyAccepted`.
 */
export async function acceptInvitation(
  account: CurrentAccount,
  input: InvitationKeyInput,
  meta: RequestMeta,
): Promise<{ organizationSlug: string }> {
  if (account.passwordIsTemporary) throw forbidden();
  const db = await getDb();
  const row = await openWithKey(db, input, meta);
  assertPending(row);
  assertSameAccount(row, account);
  const result = await db.transaction(async (tx) => {
    const locked = await lockPending(tx, input);
    assertSameAccount(locked, account);
    return acceptLockedInvitation(tx, locked, account, meta, { newAccount: false });
  });
  notifyOutbox();
  logger.info("invitation accepted", { invitationId: result.invitationId, accountId: account.id });
  return { organizationSlug: result.organizationSlug };
}

/** For the signed-in account the invitation is for: declines it; the inviter is told. Nothing else changes. */
export async function declineInvitation(
  account: CurrentAccount,
  input: InvitationKeyInput,
  meta: RequestMeta,
): Promise<void> {
  if (account.passwordIsTemporary) throw forbidden();
  const db = await getDb();
  const row = await openWithKey(db, input, meta);
  assertPending(row);
  assertSameAccount(row, account);
  await db.transaction(async (tx) => {
    const locked = await lockPending(tx, input);
    assertSameAccount(locked, account);
    const declinedAt = new Date();
    await tx
      .update(invitations)
      .set({ status: "declined", declinedAt, updatedAt: declinedAt })
      .where(eq(invitations.id, locked.id));
    // The "invited" membership stood for this invitation only.
    await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.organizationId, locked.organizationId),
          eq(memberships.accountId, locked.accountId),
          eq(memberships.status, "invited"),
        ),
      );
    await recordAudit(tx, {
      organizationId: locked.organizationId,
      actor: { accountId: account.id, name: account.name, email: account.email, meta },
      action: "invitation.declined",
      target: { type: "invitation", id: locked.id, label: locked.email },
    });
    await tellInviter(tx, locked, {
      template: "invitation-declined",
      payload: {
        organizationName: locked.organizationName,
        inviteeEmail: locked.email,
        declinedAt: declinedAt.toISOString(),
      },
    });
  });
  notifyOutbox();
  logger.info("invitation declined", { invitationId: input.invitationId, accountId: account.id });
}

/**
 * Checks the temporary password of the invitation's new account. It counts only for the
 * invitation that issued it; a wrong one keeps the attempt counted, a right one gives it back.
 */
async function checkTemporaryPassword(
  db: Database,
  { row, counted }: Attempt,
  temporaryPassword: string,
  meta: RequestMeta,
): Promise<void> {
  if (!row.account.passwordIsTemporary) throw new DomainError("invite.passwordAlreadySet", { status: 409 });
  const hash = row.account.temporaryPasswordInvitationId === row.id ? row.account.passwordHash : null;
  const matches = hash ? await verifyPassword(temporaryPassword, hash) : await verifyAgainstDecoy(temporaryPassword);
  if (!matches) {
    await recordFailedAttempt(db, row.id, row, counted, meta, "temporaryPassword");
    throw new DomainError("invite.wrongTemporaryPassword", { field: "temporaryPassword" });
  }
  await giveBackAttempt(db, counted);
}

/** Continue, for a new account: the key and the temporary password are right. Changes nothing. */
export async function verifyTemporaryPassword(input: TemporaryPasswordInput, meta: RequestMeta): Promise<{ ok: true }> {
  const db = await getDb();
  const attempt = await openForAttempt(db, input, meta);
  assertPending(attempt.row);
  await checkTemporaryPassword(db, attempt, input.temporaryPassword, meta);
  return { ok: true };
}

/**
 * Update Password, for a new account: checks the key and temporary password again, then in one
 * transaction replaces the password (no longer temporary, other sessions ended), accepts the
 * invitation and activates the membership. The caller opens a session with the returned version.
 */
export async function completeNewAccount(
  input: CompleteNewAccountInput,
  meta: RequestMeta,
): Promise<{ accountId: string; sessionVersion: number; organizationSlug: string }> {
  const db = await getDb();
  const attempt = await openForAttempt(db, input, meta);
  const { row } = attempt;
  assertPending(row);
  await checkTemporaryPassword(db, attempt, input.temporaryPassword, meta);
  const verifiedHash = row.account.passwordHash;
  const passwordHash = await prepareNewPassword(db, row.accountId, input.newPassword, {
    hash: verifiedHash,
    isTemporary: true,
    temporaryPassword: input.temporaryPassword,
  });

  const result = await db.transaction(async (tx) => {
    const locked = await lockPending(tx, input);
    const account = await lockPasswordState(tx, locked.accountId);
    // A re-invite since the check may have rotated the password or handed it to another invitation.
    if (
      !account?.passwordIsTemporary ||
      account.passwordHash !== verifiedHash ||
      account.temporaryPasswordInvitationId !== locked.id
    )
      throw new DomainError("invite.passwordAlreadySet", { status: 409 });
    const owner = {
      id: locked.account.id,
      name: locked.account.name,
      email: locked.account.email,
      locale: locked.account.locale,
    };
    const sessionVersion = await storeNewPassword(tx, locked.accountId, passwordHash);
    const accepted = await acceptLockedInvitation(tx, locked, owner, meta, { newAccount: true });
    await recordAccountAudit(tx, owner, "account.password_changed", meta, { reason: "invitation" });
    await queuePasswordChangedEmail(tx, owner, locked.locale);
    return { accountId: locked.accountId, sessionVersion, organizationSlug: accepted.organizationSlug };
  });
  notifyOutbox();
  logger.info("invitation accepted", {
    invitationId: input.invitationId,
    accountId: result.accountId,
    newAccount: true,
  });
  return result;
}
