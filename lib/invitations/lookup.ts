import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { accounts, invitations, memberships, type MembershipRole, type MembershipStatus } from "@/db/schema";
import { assertActorMembership, assertCan, type Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { emailDomain, normalizeEmail } from "@/lib/security/email";
import { type Permission, rolesWithPermission } from "@/lib/permissions";
import { minutesUntil, rateLimitHitSql, rateLimitState } from "@/lib/security/rate-limit";
import type { SettingsSnapshot } from "@/lib/settings/read";
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

type FoundAccount = { id: string; name: string; locale: AppLocale | null; emailNormalized: string };
type FoundMembership = { id: string; status: MembershipStatus; emailNormalized: string };
type FoundInvitation = { id: string; emailNormalized: string };

/** The addresses worth querying: well formed, and in an allowed domain when the domains are known. */
function candidateAddresses(addresses: string[], settings?: Pick<SettingsSnapshot, "allowedEmailDomains">): string[] {
  return addresses
    .filter((a) => isWellFormedAddress(a) && (!settings || domainAllowed(a, settings.allowedEmailDomains)))
    .map(normalizeEmail);
}

/**
 * The verdict on each address, from the accounts, the organization's memberships and its pending
 * invitations found for the candidate addresses. Rows about other addresses are ignored.
 */
function classifyAddresses(
  addresses: string[],
  settings: Pick<SettingsSnapshot, "allowedEmailDomains">,
  found: FoundAccount[],
  members: FoundMembership[],
  pending: FoundInvitation[],
): ResolvedAddress[] {
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
    return {
      ...rest,
      accountId: account.id,
      outcome: "existing",
      accountName: account.name,
      accountLocale: account.locale,
    };
  });
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
  const normalized = candidateAddresses(addresses, settings);
  const [found, members, pending] = normalized.length
    ? await Promise.all([
        db
          .select({
            id: accounts.id,
            name: accounts.name,
            locale: accounts.locale,
            emailNormalized: accounts.emailNormalized,
          })
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
            and(
              eq(invitations.organizationId, organizationId),
              eq(invitations.status, "pending"),
              inArray(invitations.emailNormalized, normalized),
            ),
          ),
      ])
    : [[], [], []];
  return classifyAddresses(addresses, settings, found, members, pending);
}

/** The part of a resolved address that may leave the server. */
export function publicLookup(resolved: ResolvedAddress): AddressLookup {
  switch (resolved.outcome) {
    case "existing":
      return {
        email: resolved.email,
        outcome: "existing",
        accountName: resolved.accountName,
        accountLocale: resolved.accountLocale,
      };
    case "pending":
      return { email: resolved.email, outcome: "pending", invitationId: resolved.invitationId };
    default:
      return { email: resolved.email, outcome: resolved.outcome };
  }
}

type LookupRow = {
  role: MembershipRole | null;
  status: MembershipStatus | null;
  access_expires_at: string | Date | null;
  hits: number | null;
  window_started_at: string | Date | null;
  settings: string | null;
  found: string;
  members: string;
  pending: string;
};

const PERMISSION = "invitations:manage" satisfies Permission;
const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));
// Lists go in one array parameter each: the statement's text is the same whatever the number of
// addresses, so each connection prepares it once.
const anyOf = (column: SQL, values: string[]) => sql`${column} = any(${sql.param(values)}::text[])`;

/**
 * For members with `invitations:manage`: what inviting each address would do (link an
 * existing account, create one, or why not), with the settings the wizard needs. Writes
 * nothing but the lookup rate-limit counter.
 *
 * One statement, so one round trip: it re-reads the actor's membership (a read needs no row
 * lock), counts the lookup against LOOKUP_LIMIT only if that membership still grants the
 * permission, and reads the settings, accounts, memberships and pending invitations only if the
 * count is within the limit, all in one snapshot. The verdicts are the send's (`classifyAddresses`).
 */
export async function lookupInvitee(actor: Actor, input: LookupInviteeInput): Promise<LookupResult> {
  assertCan(actor, PERMISSION);
  const db = await getDb();
  const addresses = splitAddresses(input.emails);
  // The domain filter needs the settings, read by the same statement: query every well-formed
  // address; the classification ignores the rows of the others.
  const normalized = candidateAddresses(addresses);
  const now = Date.now();
  const nowSql = sql`${new Date(now).toISOString()}::timestamptz`;
  const roles = rolesWithPermission(PERMISSION);
  const key = `invite-lookup:${actor.organizationId}:${actor.accountId}`;

  const result = await db.execute(sql`
    with actor as (
      select m.role, m.status, m.access_expires_at
      from memberships m
      where m.id = ${actor.membershipId} and m.organization_id = ${actor.organizationId} and m.account_id = ${actor.accountId}
    ),
    hit as (
      ${rateLimitHitSql(
        key,
        LOOKUP_LIMIT,
        sql`exists (
          select 1 from actor
          where actor.status = 'active'
            and (actor.access_expires_at is null or actor.access_expires_at > ${nowSql})
            and ${anyOf(sql`actor.role::text`, roles)})`,
      )}
    ),
    open as (select 1 from hit where hit.hits <= ${LOOKUP_LIMIT.limit})
    select
      actor.role, actor.status, actor.access_expires_at, hit.hits, hit.window_started_at,
      (select json_build_object(
          'temporaryPasswordPolicy', s.temporary_password_policy,
          'defaultLocale', s.default_locale,
          'allowedEmailDomains', s.allowed_email_domains)
        from organization_settings s
        where s.organization_id = ${actor.organizationId} and exists (select 1 from open))::text as settings,
      (select coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'locale', a.locale, 'emailNormalized', a.email_normalized)), '[]')
        from accounts a
        where ${anyOf(sql`a.email_normalized`, normalized)} and exists (select 1 from open))::text as found,
      (select coalesce(json_agg(json_build_object('id', m.id, 'status', m.status, 'emailNormalized', a.email_normalized)), '[]')
        from memberships m join accounts a on a.id = m.account_id
        where m.organization_id = ${actor.organizationId} and ${anyOf(sql`a.email_normalized`, normalized)} and exists (select 1 from open))::text as members,
      (select coalesce(json_agg(json_build_object('id', i.id, 'emailNormalized', i.email_normalized)), '[]')
        from invitations i
        where i.organization_id = ${actor.organizationId} and i.status = 'pending' and ${anyOf(sql`i.email_normalized`, normalized)}
          and exists (select 1 from open))::text as pending
    from (select 1) one
    left join actor on true
    left join hit on true`);
  const [row] = rowsOf<LookupRow>(result);
  if (!row) throw new Error("the lookup statement returned no row");

  assertActorMembership(
    row.role && row.status
      ? { role: row.role, status: row.status, accessExpiresAt: date(row.access_expires_at) }
      : undefined,
    PERMISSION,
    now,
  );
  if (row.hits === null || row.window_started_at === null) throw new Error("the lookup was allowed but not counted");
  const limit = rateLimitState(Number(row.hits), new Date(row.window_started_at), LOOKUP_LIMIT, now);
  if (limit.hits > LOOKUP_LIMIT.limit) {
    throw new DomainError("invite-wizard.lookupRateLimited", {
      status: 429,
      params: { minutes: minutesUntil(limit.retryAfterSeconds) },
    });
  }
  if (row.settings === null) throw new Error(`organization ${actor.organizationId} has no settings row`);
  const settings = JSON.parse(row.settings) as Pick<
    SettingsSnapshot,
    "temporaryPasswordPolicy" | "defaultLocale" | "allowedEmailDomains"
  >;
  const resolved = classifyAddresses(
    addresses,
    settings,
    JSON.parse(row.found) as FoundAccount[],
    JSON.parse(row.members) as FoundMembership[],
    JSON.parse(row.pending) as FoundInvitation[],
  );
  return {
    organizationName: actor.organizationName,
    passwordPolicy: settings.temporaryPasswordPolicy,
    defaultLocale: settings.defaultLocale,
    addresses: resolved.map(publicLookup),
  };
}
