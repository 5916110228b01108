import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { accounts, invitations, memberships } from "@/db/schema";
import { lockActor, type Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { emailDomain, normalizeEmail } from "@/lib/security/email";
import { hitRateLimit, minutesUntil } from "@/lib/security/rate-limit";
import { readSettings, type SettingsSnapshot } from "@/lib/settings/read";
import { isWellFormedAddress, splitAddresses, type LookupInviteeInput } from "@/lib/validations/invitations";

/** What the wizard learns about one address. Only `existing` and `new` can be invited. */
export type AddressLookup =
  | { email: string; outcome: "existing"; accountName: string; accountLocale: AppLocale | null }
  | { email: string; outcome: "new" }
  | { email: string; outcome: "member" }
  | { email: string; outcome: "pending"; invitationId: string }
  | { email: string; outcome: "invalid" }
  | { email: string; outcome: "domainNotAllowed" };

export type LookupResult = {
  organizationName: string;
  passwordPolicy: SettingsSnapshot["temporaryPasswordPolicy"];
  defaultLocale: AppLocale;
  addresses: AddressLookup[];
};

/** Internal: what the send transaction needs besides the answer shown to the wizard. */
export type ResolvedAddress = AddressLookup & {
  normalized: string;
  accountId: string | null;
  /** A membership left `invited` by an invitation that is no longer pending (cancelled, expired). */
  staleMembershipId: string | null;
};

// Lookups tell whether an address has an account, so they are counted like sign-in attempts.
export const LOOKUP_LIMIT = { limit: 120, windowSeconds: 10 * 60 };

function domainAllowed(address: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = emailDomain(address);
  return allowed.some((d) => normalizeEmail(d) === domain);
}

/**
 * Classifies each address for one organization with three queries whatever the number of
 * addresses. Callers have checked the actor's permission; inside a transaction it sees what the
 * transaction sees (the send re-runs it there).
 */
export async function resolveAddresses(
  db: Executor,
  organizationId: string,
  addresses: string[],
  settings: Pick<SettingsSnapshot, "allowedEmailDomains">,
): Promise<ResolvedAddress[]> {
  const candidates = addresses.filter((a) => isWellFormedAddress(a) && domainAllowed(a, settings.allowedEmailDomains));
  const normalized = candidates.map(normalizeEmail);
  const [found, members, pending] = normalized.length
    ? await Promise.all([
        db
          .select({ id: accounts.id, name: accounts.name, locale: accounts.locale, emailNormalized: accounts.emailNormalized })
          .from(accounts)
          .where(inArray(accounts.emailNormalized, normalized)),
        db
          .select({ id: memberships.id, status: memberships.status, emailNormalized: accounts.emailNormalized })
          .from(memberships)
          .innerJoin(accounts, eq(accounts.id, memberships.accountId))
          .where(and(eq(memberships.organizationId, organizationId), inArray(accounts.emailNormalized, normalized))),
        db
          .select({ id: invitations.id, emailNormalized: invitations.emailNormalized })
          .from(invitations)
          .where(
            and(eq(invitations.organizationId, organizationId), eq(invitations.status, "pending"), inArray(invitations.emailNormalized, normalized)),
          ),
      ])
    : [[], [], []];

  return addresses.map((email): ResolvedAddress => {
    const key = normalizeEmail(email);
    const base = { email, normalized: key, accountId: null, staleMembershipId: null };
    if (!isWellFormedAddress(email)) return { ...base, outcome: "invalid" };
    if (!domainAllowed(email, settings.allowedEmailDomains)) return { ...base, outcome: "domainNotAllowed" };
    const invitation = pending.find((p) => p.emailNormalized === key);
    if (invitation) return { ...base, outcome: "pending", invitationId: invitation.id };
    const member = members.find((m) => m.emailNormalized === key);
    if (member && member.status !== "invited") return { ...base, outcome: "member" };
    const account = found.find((a) => a.emailNormalized === key);
    const rest = { ...base, staleMembershipId: member?.id ?? null };
    if (!account) return { ...rest, outcome: "new" };
    return { ...rest, accountId: account.id, outcome: "existing", accountName: account.name, accountLocale: account.locale };
  });
}

/** The part of a resolved address that may leave the server. */
export function publicLookup(resolved: ResolvedAddress): AddressLookup {
  switch (resolved.outcome) {
    case "existing":
      return { email: resolved.email, outcome: "existing", accountName: resolved.accountName, accountLocale: resolved.accountLocale };
    case "pending":
      return { email: resolved.email, outcome: "pending", invitationId: resolved.invitationId };
    default:
      return { email: resolved.email, outcome: resolved.outcome };
  }
}

/**
 * For members with `invitations:manage`: what inviting each address would do (link an
 * existing account, create one, or why not), with the settings the wizard needs. Writes
 * nothing but the lookup rate-limit counter.
 */
export async function lookupInvitee(actor: Actor, input: LookupInviteeInput): Promise<LookupResult> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "invitations:manage");
    const limit = await hitRateLimit(tx, `invite-lookup:${actor.organizationId}:${actor.accountId}`, LOOKUP_LIMIT);
    if (limit.hits > LOOKUP_LIMIT.limit) {
      throw new DomainError("invite-wizard.lookupRateLimited", { status: 429, params: { minutes: minutesUntil(limit.retryAfterSeconds) } });
    }
    const settings = await readSettings(tx, actor.organizationId);
    const resolved = await resolveAddresses(tx, actor.organizationId, splitAddresses(input.emails), settings);
    return {
      organizationName: actor.organizationName,
      passwordPolicy: settings.temporaryPasswordPolicy,
      defaultLocale: settings.defaultLocale,
      addresses: resolved.map(publicLookup),
    };
  });
}
