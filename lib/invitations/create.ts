import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import { getDb, type Transaction } from "@/db/client";
import { accounts, idempotencyRecords, invitations, memberships, type Invitation } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { notifyOutbox } from "@/lib/email/outbox";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { nameFromAddress, normalizeEmail } from "@/lib/security/email";
import {
  countAttempt,
  giveBackAttempt,
  minutesUntil,
  type RateLimitCount,
  type RateLimitRule,
} from "@/lib/security/rate-limit";
import { generateKey, generateTemporaryPassword, hashKey } from "@/lib/security/tokens";
import { readSettings } from "@/lib/settings/read";
import { accessExpiryInstant, splitAddresses, type SendInviteInput } from "@/lib/validations/invitations";
import { queueInvitationEmail } from "./email";
import { resolveAddresses, type ResolvedAddress } from "./lookup";
import { sealPasswordSheet } from "./password-sheet";

/**
 * Limits on sending invitations; each refusal names its limit. `perAccount` counts an inviter's
 * invitations across all its organizations, so that administering (or creating) more
 * organizations does not multiply `perInviter`.
 */
export const INVITE_LIMITS = {
  perInviter: { limit: 50, windowSeconds: 60 * 60 },
  perOrganization: { limit: 200, windowSeconds: 60 * 60 },
  perAccount: { limit: 100, windowSeconds: 60 * 60 },
  maxPendingPerOrganization: 5_000,
};

export const inviteRateLimitKeys = {
  inviter: (organizationId: string, accountId: string) => `invite-send:${organizationId}:${accountId}`,
  organization: (organizationId: string) => `invite-send:${organizationId}`,
  account: (accountId: string) => `invite-send-account:${accountId}`,
};

type PasswordDelivery = Invitation["passwordDelivery"];

/** One address sent. A manual temporary password is returned once, never stored in the clear. */
export type SentInvitation = {
  email: string;
  outcome: "sent";
  invitationId: string;
  expiresAt: string;
  accountCreated: boolean;
  passwordDelivery: PasswordDelivery;
  /** True when this is the stored result of an earlier identical request: nothing new was created. */
  replayed: boolean;
  temporaryPassword?: string;
  /** Sealed, short-lived, single-use: lets the inviter download the password sheet (PDF). */
  passwordSheetToken?: string;
};

/** One address refused: `code` is a message key, `params` fill it. */
export type FailedInvitation = {
  email: string;
  outcome: "failed";
  code: string;
  params?: Record<string, string | number>;
};

export type SendInvitationsResult = { organizationName: string; invitations: (SentInvitation | FailedInvitation)[] };

// Refusals that concern one address: the other addresses of the run still go out.
const PER_ADDRESS_CODES = new Set([
  "invite-wizard.invalidAddress",
  "invite-wizard.domainNotAllowed",
  "invite-wizard.alreadyMember",
  "invite-wizard.alreadyInvited",
  "invite-wizard.inviterRateLimited",
  "invite-wizard.organizationRateLimited",
  "invite-wizard.accountRateLimited",
  "invite-wizard.pendingCapReached",
  "invite-wizard.deliveryRequired",
  "invite-wizard.idempotencyMismatch",
]);

type Credentials = { password: string; hash: string };

async function newCredentials(): Promise<Credentials> {
  const password = generateTemporaryPassword();
  return { password, hash: await hashPassword(password) };
}

function refusalFor(address: ResolvedAddress): DomainError | null {
  switch (address.outcome) {
    case "invalid":
      return new DomainError("invite-wizard.invalidAddress", { field: "emails", params: { email: address.email } });
    case "domainNotAllowed":
      return new DomainError("invite-wizard.domainNotAllowed", { field: "emails", params: { email: address.email } });
    case "member":
      return new DomainError("invite-wizard.alreadyMember", { status: 409, params: { email: address.email } });
    case "pending":
      return new DomainError("invite-wizard.alreadyInvited", { status: 409, params: { email: address.email } });
    default:
      return null;
  }
}

function inviteLimits(actor: Actor): [key: string, rule: RateLimitRule, code: string][] {
  // Always in this order, so that parallel sends take the counters' row locks alike.
  return [
    [
      inviteRateLimitKeys.inviter(actor.organizationId, actor.accountId),
      INVITE_LIMITS.perInviter,
      "invite-wizard.inviterRateLimited",
    ],
    [
      inviteRateLimitKeys.organization(actor.organizationId),
      INVITE_LIMITS.perOrganization,
      "invite-wizard.organizationRateLimited",
    ],
    [inviteRateLimitKeys.account(actor.accountId), INVITE_LIMITS.perAccount, "invite-wizard.accountRateLimited"],
  ];
}

/**
 * Counts one invitation email (a first send or a re-send) against every sending limit before any
 * work (no password is hashed for a refused one). Returns the counts to give back if it is not
 * sent after all, or the refusal: the limit's message key and how long to wait.
 */
export async function countInvitationSend(
  actor: Actor,
): Promise<{ counted: RateLimitCount[] } | { refused: { code: string; minutes: number } }> {
  assertCan(actor, "invitations:manage");
  const db = await getDb();
  const limits = inviteLimits(actor);
  const attempt = await countAttempt(
    db,
    limits.map(([key, rule]) => [key, rule] as const),
  );
  if (attempt.allowed) return { counted: attempt.counted };
  // A refused invitation leaves the counters as they were.
  await giveBackAttempt(db, attempt.counted);
  const refused = attempt.refused!;
  const code = limits.find(([key]) => key === refused.key)![2];
  return { refused: { code, minutes: minutesUntil(refused.retryAfterSeconds) } };
}

async function countInvitation(
  actor: Actor,
  address: string,
): Promise<{ counted: RateLimitCount[] } | { refused: FailedInvitation }> {
  const count = await countInvitationSend(actor);
  if ("counted" in count) return count;
  const { code, minutes } = count.refused;
  return { refused: { email: address, outcome: "failed", code, params: { minutes } } };
}

/**
 * Refuses an invitation that would pass the cap of pending invitations (a first send, or a
 * re-send that makes a lapsed invitation pending again). Far from the cap, the
 * count alone decides: sends not yet committed cannot pass it together, as the organization's
 * hourly limit bounds them. Within that distance, sends in the organization take turns (a lock
 * held to the end of the transaction) and count again, so that parallel sends cannot pass it.
 */
export async function assertUnderPendingCap(tx: Transaction, actor: Actor): Promise<void> {
  const cap = INVITE_LIMITS.maxPendingPerOrganization;
  const pending = async () => {
    const [row] = await tx
      .select({ n: count() })
      .from(invitations)
      .where(and(eq(invitations.organizationId, actor.organizationId), eq(invitations.status, "pending")));
    return row?.n ?? 0;
  };
  let n = await pending();
  if (n >= cap - INVITE_LIMITS.perOrganization.limit) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`pending-cap:${actor.organizationId}`}, 0))`);
    n = await pending();
  }
  if (n >= cap) {
    throw new DomainError("invite-wizard.pendingCapReached", { status: 429, params: { max: cap } });
  }
}

function requestHashOf(normalized: string, input: SendInviteInput): string {
  const { idempotencyKey: _key, emails: _emails, ...rest } = input;
  return createHash("sha256")
    .update(JSON.stringify({ email: normalized, ...rest }))
    .digest("hex");
}

type StoredResult = Omit<SentInvitation, "temporaryPassword" | "passwordSheetToken" | "replayed">;

async function replayOf(
  tx: Transaction,
  scope: string,
  key: string,
  requestHash: string,
): Promise<SentInvitation | null> {
  const [record] = await tx
    .select({ requestHash: idempotencyRecords.requestHash, response: idempotencyRecords.response })
    .from(idempotencyRecords)
    .where(and(eq(idempotencyRecords.scope, scope), eq(idempotencyRecords.key, key)));
  if (!record) return null;
  if (record.requestHash !== requestHash) throw new DomainError("invite-wizard.idempotencyMismatch", { status: 409 });
  return { ...(record.response as StoredResult), replayed: true };
}

async function inviteOne(
  tx: Transaction,
  actor: Actor,
  address: string,
  input: SendInviteInput,
  prepared: Credentials | undefined,
): Promise<SentInvitation> {
  await lockActor(tx, actor, "invitations:manage");
  const normalized = normalizeEmail(address);
  const scope = `send-invite:${actor.organizationId}:${actor.accountId}:${normalized}`;
  const requestHash = requestHashOf(normalized, input);
  const replay = await replayOf(tx, scope, input.idempotencyKey, requestHash);
  if (replay) return replay;

  const settings = await readSettings(tx, actor.organizationId);
  const [resolved] = await resolveAddresses(tx, actor.organizationId, [address], settings);
  if (!resolved) throw new Error("address lookup returned nothing");
  const refusal = refusalFor(resolved);
  if (refusal) throw refusal;
  await assertUnderPendingCap(tx, actor);

  let passwordDelivery: PasswordDelivery = "none";
  if (resolved.outcome === "new") {
    const policy = settings.temporaryPasswordPolicy;
    const choice = policy === "send" ? "email" : policy === "not_send" ? "manual" : input.passwordDelivery;
    if (!choice)
      throw new DomainError("invite-wizard.deliveryRequired", {
        field: "passwordDelivery",
        params: { email: address },
      });
    passwordDelivery = choice;
  }
  // Normally hashed before the transaction; only an account deleted since then lands here.
  const credentials = resolved.outcome === "new" ? (prepared ?? (await newCredentials())) : undefined;

  const { options } = input;
  const now = new Date();
  const invitationId = randomUUID();
  const key = generateKey();
  const expiresAt = new Date(now.getTime() + settings.invitationValidityDays * 86_400_000);
  const accessExpiresAt = options.accessExpiry ? accessExpiryInstant(options.accessExpiry) : null;
  const tags = [...(options.external ? ["external"] : []), ...(options.privileged ? ["privileged"] : [])];
  const personalMessage = options.personalMessage.trim() || null;

  let accountId = resolved.accountId;
  if (credentials) {
    const [account] = await tx
      .insert(accounts)
      .values({
        email: address,
        emailNormalized: normalized,
        name: nameFromAddress(address),
        passwordHash: credentials.hash,
        passwordIsTemporary: true,
        locale: options.locale,
        createdByInvitationId: invitationId,
        // The temporary password works only while this invitation is pending.
        temporaryPasswordInvitationId: invitationId,
      })
      .returning({ id: accounts.id });
    accountId = account?.id ?? null;
  }
  if (!accountId) throw new Error("invitee account missing");

  const membershipValues = {
    role: "administrator" as const,
    status: "invited" as const,
    tags,
    accessExpiresAt,
    invitedByAccountId: actor.accountId,
    invitedAt: now,
    updatedAt: now,
  };
  const [membership] = resolved.staleMembershipId
    ? await tx
        .update(memberships)
        .set(membershipValues)
        .where(
          and(
            eq(memberships.id, resolved.staleMembershipId),
            eq(memberships.organizationId, actor.organizationId),
            eq(memberships.status, "invited"),
          ),
        )
        .returning({ id: memberships.id })
    : await tx
        .insert(memberships)
        .values({ organizationId: actor.organizationId, accountId, ...membershipValues })
        .returning({ id: memberships.id });
  // The stale membership changed status since the lookup: let the retry look again.
  if (!membership) throw new DomainError("invite-wizard.alreadyMember", { status: 409, params: { email: address } });

  const invitation = {
    id: invitationId,
    organizationId: actor.organizationId,
    email: address,
    role: "administrator" as const,
    expiresAt,
    locale: options.locale,
    personalMessage,
    passwordDelivery,
  };
  const lastEmailId = await queueInvitationEmail(tx, {
    invitation,
    organizationName: actor.organizationName,
    inviter: { name: actor.name, email: actor.email },
    key,
    temporaryPassword: passwordDelivery === "email" ? credentials?.password : undefined,
  });
  await tx.insert(invitations).values({
    ...invitation,
    accountId,
    membershipId: membership.id,
    emailNormalized: normalized,
    invitedByAccountId: actor.accountId,
    keyHash: hashKey(key),
    accessExpiresAt,
    tags,
    lastEmailId,
    createdAt: now,
    updatedAt: now,
  });
  await recordAudit(tx, {
    organizationId: actor.organizationId,
    actor: { accountId: actor.accountId, name: actor.name, email: actor.email, meta: actor.meta },
    action: "invitation.created",
    target: { type: "invitation", id: invitationId, label: address },
    details: {
      email: address,
      role: "administrator",
      accountCreated: Boolean(credentials),
      passwordDelivery,
      locale: options.locale,
      personalMessage,
      accessExpiresAt: accessExpiresAt?.toISOString() ?? null,
      tags,
      expiresAt: expiresAt.toISOString(),
    },
  });

  const stored: StoredResult = {
    email: address,
    outcome: "sent",
    invitationId,
    expiresAt: expiresAt.toISOString(),
    accountCreated: Boolean(credentials),
    passwordDelivery,
  };
  await tx.insert(idempotencyRecords).values({ scope, key: input.idempotencyKey, requestHash, response: stored });

  if (passwordDelivery !== "manual" || !credentials) return { ...stored, replayed: false };
  return {
    ...stored,
    replayed: false,
    temporaryPassword: credentials.password,
    passwordSheetToken: sealPasswordSheet({
      invitationId,
      organizationId: actor.organizationId,
      inviterAccountId: actor.accountId,
      email: address,
      temporaryPassword: credentials.password,
      key,
      invitationExpiresAt: expiresAt.toISOString(),
    }),
  };
}

async function sendOne(
  actor: Actor,
  address: string,
  input: SendInviteInput,
  prepared: Credentials | undefined,
  counted: RateLimitCount[],
) {
  const result = await sendCounted(actor, address, input, prepared);
  // Only an invitation sent now keeps its count: a refusal or a replay gives it back.
  if (result.outcome !== "sent" || result.replayed) await giveBackAttempt(await getDb(), counted);
  return result;
}

async function sendCounted(
  actor: Actor,
  address: string,
  input: SendInviteInput,
  prepared: Credentials | undefined,
): Promise<SentInvitation | FailedInvitation> {
  const db = await getDb();
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction((tx) => inviteOne(tx, actor, address, input, prepared));
    } catch (error) {
      if (error instanceof DomainError && PER_ADDRESS_CODES.has(error.code)) {
        return {
          email: address,
          outcome: "failed",
          code: error.code,
          params: error.options.params,
        } satisfies FailedInvitation;
      }
      if (!isUniqueViolation(error)) throw error;
      // A unique violation aborts the transaction: run it once more, so that the lookup sees
      // the concurrent invitation (or the identical request) that won and answers accordingly.
      if (attempt > 0)
        return {
          email: address,
          outcome: "failed",
          code: "invite-wizard.alreadyInvited",
          params: { email: address },
        } satisfies FailedInvitation;
    }
  }
}

/** A run under way: one line per address, in the order given, each settling as its address is done. */
export type InvitationRun = {
  organizationName: string;
  /** The run's addresses, in order: each line's address before the line arrives. */
  emails: string[];
  invitations: Promise<SentInvitation | FailedInvitation>[];
};

/**
 * Counts every address against the limits, then starts the run: every new account's temporary
 * password is hashed at once on the worker pool (each hash off the event loop, as many at a time
 * as the pool has threads), and each address is invited as soon as its hash is ready, in its own
 * transaction, one transaction at a time. Once an address fails unexpectedly no further one is
 * attempted: its line and every later one reject with that error.
 */
async function runInvitations(actor: Actor, input: SendInviteInput): Promise<InvitationRun> {
  const db = await getDb();
  const addresses = splitAddresses(input.emails);

  // Every address is counted against the limits first; bcrypt then runs only for the addresses
  // the limits let through, before any transaction opens, so no lock is held while it works.
  const counts = new Map<string, { counted: RateLimitCount[] } | { refused: FailedInvitation }>();
  for (const address of addresses) counts.set(address, await countInvitation(actor, address));
  const settings = await readSettings(db, actor.organizationId);
  const allowed = addresses.filter((address) => "counted" in counts.get(address)!);
  const preview = await resolveAddresses(db, actor.organizationId, allowed, settings);
  const hashes = new Map<string, Promise<Credentials>>();
  for (const a of preview)
    if (a.outcome === "new" && !hashes.has(a.normalized)) hashes.set(a.normalized, newCredentials());

  let turn: Promise<unknown> = Promise.resolve();
  let stopped: { error: unknown } | undefined;
  const invitations = addresses.map(async (address) => {
    const count = counts.get(address)!;
    if ("refused" in count) return count.refused;
    try {
      const prepared = await hashes.get(normalizeEmail(address));
      const mine = turn.then(() => {
        if (stopped) throw stopped.error;
        return sendOne(actor, address, input, prepared, count.counted);
      });
      turn = mine.catch(() => undefined);
      const result = await mine;
      // Delivered as soon as it is committed, while the rest of the run goes on.
      if (result.outcome === "sent" && !result.replayed) notifyOutbox();
      return result;
    } catch (error) {
      stopped ??= { error };
      throw error;
    }
  });
  return { organizationName: actor.organizationName, emails: addresses, invitations };
}

/**
 * For members with `invitations:manage`: invites each address as an administrator, each in its
 * own transaction that re-runs the lookup and reads the settings at that moment, creating the
 * account (temporary password hashed), the membership, the invitation, its email and the audit
 * event together or not at all. Replaying an idempotency key returns the first result without
 * creating anything or revealing the password again. Settles once every address is done; an
 * unexpected failure rejects.
 */
export async function sendInvitations(actor: Actor, input: SendInviteInput): Promise<SendInvitationsResult> {
  assertCan(actor, "invitations:manage");
  const run = await runInvitations(actor, input);
  return { organizationName: run.organizationName, invitations: await Promise.all(run.invitations) };
}

/**
 * The same as `sendInvitations`, for the wizard to show each address as it is done: returns once
 * the addresses are counted against the limits, with one pending line per address. An unexpected
 * failure is logged once with a reference, which its line (and every later one) carries.
 */
export async function startInvitations(actor: Actor, input: SendInviteInput): Promise<InvitationRun> {
  assertCan(actor, "invitations:manage");
  const run = await runInvitations(actor, input);
  const references = new Map<unknown, string>();
  return {
    ...run,
    invitations: run.invitations.map((line, i) =>
      line.catch((error: unknown): FailedInvitation => {
        let ref = references.get(error);
        if (!ref) {
          ref = randomUUID().slice(0, 8);
          references.set(error, ref);
          logger.error("sending an invitation failed", { ref, error });
        }
        return { email: run.emails[i]!, outcome: "failed", code: "errors.unexpected", params: { ref } };
      }),
    ),
  };
}
