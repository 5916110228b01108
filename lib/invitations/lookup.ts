import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { locales, membershipRoles, membershipStatuses, temporaryPasswordPolicies } from "@/db/schema";
import { assertActorMembership, assertCan, type Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { emailDomain, normalizeEmail } from "@/lib/security/email";
import { type Permission, rolesWithPermission } from "@/lib/permissions";
import { countedState, minutesUntil, rateLimitHitSql, type RateLimitRule } from "@/lib/security/rate-limit";
import type { SettingsSnapshot } from "@/lib/settings/read";
import { isWellFormedAddress, splitAddresses, type LookupInviteeInput } from "@/lib/validations/invitations";

/**
 * What the wizard learns about one address. Only `existing` and `new` can be invited. An existing
 * account's name and locale are told only when it already shares an organization with the
 * inviter: to anyone else the lookup says only that the account exists.
 */
export type AddressLookup =
  | { email: string; outcome: "existing"; accountName?: string; accountLocale?: AppLocale | null }
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

// Lookups tell whether an address has an account, so they are counted like sign-in attempts, one
// per address looked up (a lookup of 20 addresses counts 20): per administrator in each
// organization, and per account across all its organizations, so that administering (or
// creating) more organizations does not multiply the allowance.
export const LOOKUP_LIMIT = { limit: 120, windowSeconds: 10 * 60 };
export const LOOKUP_ACCOUNT_LIMIT = { limit: 240, windowSeconds: 10 * 60 };

export const lookupRateLimitKeys = {
  administrator: (organizationId: string, accountId: string) => `invite-lookup:${organizationId}:${accountId}`,
  account: (accountId: string) => `invite-lookup-account:${accountId}`,
};

function domainAllowed(address: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = emailDomain(address);
  return allowed.some((d) => normalizeEmail(d) === domain);
}

/**
 * The rows found for the candidate addresses: accounts (`name` and `locale` are null unless the
 * account shares an organization with the inviter), the organization's memberships and its
 * pending invitations. The statement returns them as one JSON document, checked here.
 */
const foundRowsSchema = z.object({
  found: z.array(
    z.object({
      id: z.string(),
      emailNormalized: z.string(),
      shared: z.boolean(),
      name: z.string().nullable(),
      locale: z.enum(locales).nullable(),
    }),
  ),
  members: z.array(z.object({ id: z.string(), status: z.enum(membershipStatuses), emailNormalized: z.string() })),
  pending: z.array(z.object({ id: z.string(), emailNormalized: z.string() })),
});
type FoundRows = z.infer<typeof foundRowsSchema>;

/** A JSON column sent as text (the same on postgres.js and PGlite), parsed and checked. */
const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text): unknown => JSON.parse(text))
    .pipe(schema);

// Lists go in one array parameter each: the statement's text is the same whatever the number of
// addresses, so each connection prepares it once.
const anyOf = (column: SQL, values: string[]) => sql`${column} = any(${sql.param(values)}::text[])`;

/**
 * The rows of `FoundRows` for the normalized addresses as one JSON text, read only when `when`
 * holds (SQL evaluated in the same statement). `sharedIds` is an SQL array of the account ids
 * whose name and locale may be read.
 */
function foundRowsSql(organizationId: string, normalized: string[], sharedIds: SQL, when: SQL): SQL {
  return sql`json_build_object(
    'found', (select coalesce(json_agg(json_build_object(
        'id', a.id, 'emailNormalized', a.email_normalized, 'shared', a.id = any(${sharedIds}::uuid[]),
        'name', case when a.id = any(${sharedIds}::uuid[]) then a.name end,
        'locale', case when a.id = any(${sharedIds}::uuid[]) then a.locale end)), '[]')
      from accounts a
      where ${anyOf(sql`a.email_normalized`, normalized)} and ${when}),
    'members', (select coalesce(json_agg(json_build_object('id', m.id, 'status', m.status, 'emailNormalized', a.email_normalized)), '[]')
      from memberships m join accounts a on a.id = m.account_id
      where m.organization_id = ${organizationId} and ${anyOf(sql`a.email_normalized`, normalized)} and ${when}),
    'pending', (select coalesce(json_agg(json_build_object('id', i.id, 'emailNormalized', i.email_normalized)), '[]')
      from invitations i
      where i.organization_id = ${organizationId} and i.status = 'pending'
        and ${anyOf(sql`i.email_normalized`, normalized)} and ${when})
  )::text`;
}

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
  { found, members, pending }: FoundRows,
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
    if (!account.shared || account.name === null) return { ...rest, accountId: account.id, outcome: "existing" };
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
 * Classifies each address for one organization with one statement whatever the number of
 * addresses (the lookup's reads, without its access check and counters). Callers have checked
 * the actor's permission; inside a transaction it sees what the transaction sees (the send
 * re-runs it there). It reads no account's name or locale: the send shows none.
 */
export async function resolveAddresses(
  db: Executor,
  organizationId: string,
  addresses: string[],
  settings: Pick<SettingsSnapshot, "allowedEmailDomains">,
): Promise<ResolvedAddress[]> {
  const normalized = candidateAddresses(addresses, settings);
  if (!normalized.length) return classifyAddresses(addresses, settings, { found: [], members: [], pending: [] });
  const result = await db.execute(
    sql`select ${foundRowsSql(organizationId, normalized, sql`'{}'`, sql`true`)} as rows`,
  );
  const [row] = z.array(z.object({ rows: jsonText(foundRowsSchema) })).parse(rowsOf(result));
  if (!row) throw new Error("the address statement returned no row");
  return classifyAddresses(addresses, settings, row.rows);
}

/** The part of a resolved address that may leave the server. */
export function publicLookup(resolved: ResolvedAddress): AddressLookup {
  switch (resolved.outcome) {
    case "existing":
      return resolved.accountName === undefined
        ? { email: resolved.email, outcome: "existing" }
        : {
            email: resolved.email,
            outcome: "existing",
            accountName: resolved.accountName,
            accountLocale: resolved.accountLocale ?? null,
          };
    case "pending":
      return { email: resolved.email, outcome: "pending", invitationId: resolved.invitationId };
    default:
      return { email: resolved.email, outcome: resolved.outcome };
  }
}

/** The lookup statement's one row; every column is null when the actor or a count refuses. */
const lookupRowSchema = z.object({
  role: z.enum(membershipRoles).nullable(),
  status: z.enum(membershipStatuses).nullable(),
  access_expires_at: z.coerce.date().nullable(),
  hits: z.coerce.number().nullable(),
  window_started_at: z.coerce.date().nullable(),
  account_hits: z.coerce.number().nullable(),
  account_window_started_at: z.coerce.date().nullable(),
  settings: jsonText(
    z.object({
      temporaryPasswordPolicy: z.enum(temporaryPasswordPolicies),
      defaultLocale: z.enum(locales),
      allowedEmailDomains: z.array(z.string()),
    }),
  ).nullable(),
  rows: jsonText(foundRowsSchema),
});

const PERMISSION = "invitations:manage" satisfies Permission;

/** Throws the rate-limited error `code` when a counter read back after counting is over its rule. */
function refuseOverLimit(hits: number, windowStartedAt: Date, rule: RateLimitRule, code: string, now: number): void {
  const state = countedState(hits, windowStartedAt, rule, now);
  if (!state.allowed)
    throw new DomainError(code, { status: 429, params: { minutes: minutesUntil(state.retryAfterSeconds) } });
}

/**
 * For members with `invitations:manage`: what inviting each address would do (link an
 * existing account, create one, or why not), with the settings the wizard needs. Writes
 * nothing but the lookup rate-limit counters. An existing account's name and locale are read
 * only when it is a member (not merely invited) of an organization where the inviter is an
 * active member.
 *
 * One statement, so one round trip: it re-reads the actor's membership (a read needs no row
 * lock), counts the lookup's addresses against LOOKUP_LIMIT only if that membership still grants the
 * permission, then against LOOKUP_ACCOUNT_LIMIT only if the first count is within its limit, and
 * reads the settings, accounts, memberships and pending invitations only if both counts are
 * within their limits, all in one snapshot. The verdicts are the send's (`classifyAddresses`).
 */
export async function lookupInvitee(actor: Actor, input: LookupInviteeInput): Promise<LookupResult> {
  assertCan(actor, PERMISSION);
  const db = await getDb();
  const addresses = splitAddresses(input.emails);
  // The domain filter needs the settings, read by the same statement: query every well-formed
  // address; the classification ignores the rows of the others.
  const normalized = candidateAddresses(addresses);
  const cost = Math.max(1, normalized.length);
  const now = Date.now();
  const nowSql = sql`${new Date(now).toISOString()}::timestamptz`;
  const roles = rolesWithPermission(PERMISSION);

  const result = await db.execute(sql`
    with actor as (
      select m.role, m.status, m.access_expires_at
      from memberships m
      where m.id = ${actor.membershipId} and m.organization_id = ${actor.organizationId} and m.account_id = ${actor.accountId}
    ),
    hit as (
      ${rateLimitHitSql(
        lookupRateLimitKeys.administrator(actor.organizationId, actor.accountId),
        LOOKUP_LIMIT,
        sql`exists (
          select 1 from actor
          where actor.status = 'active'
            and (actor.access_expires_at is null or actor.access_expires_at > ${nowSql})
            and ${anyOf(sql`actor.role::text`, roles)})`,
        cost,
      )}
    ),
    account_hit as (
      ${rateLimitHitSql(
        lookupRateLimitKeys.account(actor.accountId),
        LOOKUP_ACCOUNT_LIMIT,
        sql`exists (select 1 from hit where hit.hits <= ${LOOKUP_LIMIT.limit})`,
        cost,
      )}
    ),
    open as (select 1 from account_hit where account_hit.hits <= ${LOOKUP_ACCOUNT_LIMIT.limit}),
    -- The addressed accounts that are members (not merely invited) of an organization where the
    -- inviter is an active member: one uncorrelated aggregate, as a subquery per account plans
    -- badly in the prepared statement (twice the lookup's time).
    shared as (
      select coalesce(array_agg(theirs.account_id), '{}') as ids
      from memberships mine
      join memberships theirs on theirs.organization_id = mine.organization_id
      join accounts candidate on candidate.id = theirs.account_id
      where mine.account_id = ${actor.accountId} and mine.status = 'active'
        and (mine.access_expires_at is null or mine.access_expires_at > ${nowSql})
        and theirs.status <> 'invited' and ${anyOf(sql`candidate.email_normalized`, normalized)}
        and exists (select 1 from open))
    select
      actor.role, actor.status, actor.access_expires_at, hit.hits, hit.window_started_at,
      account_hit.hits as account_hits, account_hit.window_started_at as account_window_started_at,
      (select json_build_object(
          'temporaryPasswordPolicy', s.temporary_password_policy,
          'defaultLocale', s.default_locale,
          'allowedEmailDomains', s.allowed_email_domains)
        from organization_settings s
        where s.organization_id = ${actor.organizationId} and exists (select 1 from open))::text as settings,
      ${foundRowsSql(actor.organizationId, normalized, sql`(select ids from shared)`, sql`exists (select 1 from open)`)} as rows
    from (select 1) one
    left join actor on true
    left join hit on true
    left join account_hit on true`);
  const [row] = z.array(lookupRowSchema).parse(rowsOf(result));
  if (!row) throw new Error("the lookup statement returned no row");

  assertActorMembership(
    row.role && row.status ? { role: row.role, status: row.status, accessExpiresAt: row.access_expires_at } : undefined,
    PERMISSION,
    now,
  );
  if (row.hits === null || row.window_started_at === null) throw new Error("the lookup was allowed but not counted");
  refuseOverLimit(row.hits, row.window_started_at, LOOKUP_LIMIT, "invite-wizard.lookupRateLimited", now);
  if (row.account_hits === null || row.account_window_started_at === null)
    throw new Error("the lookup was within the administrator's limit but not counted for the account");
  refuseOverLimit(
    row.account_hits,
    row.account_window_started_at,
    LOOKUP_ACCOUNT_LIMIT,
    "invite-wizard.lookupAccountRateLimited",
    now,
  );
  const { settings } = row;
  if (settings === null) throw new Error(`organization ${actor.organizationId} has no settings row`);
  const resolved = classifyAddresses(addresses, settings, row.rows);
  return {
    organizationName: actor.organizationName,
    passwordPolicy: settings.temporaryPasswordPolicy,
    defaultLocale: settings.defaultLocale,
    addresses: resolved.map(publicLookup),
  };
}
