import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { rowsOf } from "@/db/rows";
import type { MembershipRole } from "@/db/schema";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { MEMBERS_PAGE_SIZE, type MemberListStatus, type MembersQuery, type MemberTag } from "@/lib/validations/members";

export type EmailDelivery =
  | { state: "queued" }
  | { state: "sent" }
  | { state: "retrying"; nextAttemptAt: Date }
  | { state: "failed"; reason: string | null };

export type MemberRow = {
  membershipId: string;
  accountId: string;
  name: string;
  email: string;
  role: MembershipRole;
  isOwner: boolean;
  status: MemberListStatus;
  tags: MemberTag[];
  accessExpiresAt: Date | null;
  lastSignInAt: Date | null;
  invitedByName: string | null;
  invitedAt: Date | null;
  /** The account holds a confirmed two-step factor (authenticator app or passkey). */
  twoStep: boolean;
  /** The pending (or expired) invitation of an invited member. */
  invitation: { id: string; expiresAt: Date; sendCount: number; delivery: EmailDelivery | null } | null;
};

export type MemberList = {
  rows: MemberRow[];
  /** Rows matching the search and filters. */
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  /** Exactly one active administrator: the page recommends adding another. */
  soleActiveAdministrator: boolean;
};

/** `%text%` for LIKE, with LIKE's own metacharacters taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An administrator who can act today: active, and their access has not ended. */
export const activeAdministratorCondition = (alias: string): SQL =>
  sql.raw(
    `${alias}.role = 'administrator' and ${alias}.status = 'active' and (${alias}.access_expires_at is null or ${alias}.access_expires_at > now())`,
  );

// The invited member's open invitation: the pending one (which may have lapsed, until the worker
// marks it), else the latest one marked expired. Cancelled and declined ones are not open.
const openInvitation = sql`
  left join lateral (
    select i.id, i.status, i.expires_at, i.send_count, i.last_email_id, i.invited_by_account_id, i.created_at
    from invitations i
    where m.status = 'invited' and i.account_id = m.account_id and i.organization_id = m.organization_id
      and i.status in ('pending', 'expired')
    order by i.status = 'pending' desc, i.created_at desc
    limit 1
  ) inv on true`;

const hasLiveInvitation = sql`exists (
  select 1 from invitations i
  where i.account_id = m.account_id and i.organization_id = m.organization_id and i.status = 'pending' and i.expires_at > now())`;

// The member's account holds a confirmed factor (two_step_factors_account_idx).
/**
 * An invited member's account is not the organization's to see until they accept: an
 * administrator could otherwise invite any address to read its account's name, last sign-in and
 * two-step state (the lookup tells only that an account exists). Until then the list shows the
 * address, its local part as the name (what an account created by the invitation is named), and
 * searches, sorts and filters on nothing else (the database keeps `sort_name` and `search_text`
 * so, migration 0010). `getMemberDetail` does the same.
 */
const accountShown = sql`m.status <> 'invited'`;

const hasTwoStep = sql`(${accountShown} and exists (
  select 1 from two_step_factors f where f.account_id = m.account_id and f.confirmed_at is not null))`;

const statusConditions: Record<MemberListStatus, SQL> = {
  active: sql`m.status = 'active'`,
  disabled: sql`m.status = 'disabled'`,
  invited: sql`m.status = 'invited' and ${hasLiveInvitation}`,
  expired: sql`m.status = 'invited' and not ${hasLiveInvitation}`,
};

/**
 * The list's search and filters as conditions on memberships `m` alone (no join): the search on
 * `m.search_text`, role, status (an invited member's invitation decides Invited or Invitation
 * expired), two-step.
 */
function filters(actor: Actor, query: MembersQuery): SQL {
  const conditions: SQL[] = [sql`m.organization_id = ${actor.organizationId}`];
  if (query.q) {
    // memberships.search_text is the lower-cased name (an invited member's: the address's local
    // part) and the normalized address on two lines (memberships_search_trgm_idx); a search never
    // holds a line feed, so it matches one of them.
    const pattern = containsPattern(query.q.replace(/[\r\n]+/g, " "));
    conditions.push(sql`m.search_text like ${pattern}`);
  }
  if (query.role) conditions.push(sql`m.role = ${query.role}`);
  if (query.status) conditions.push(statusConditions[query.status]);
  if (query.twoStep) conditions.push(query.twoStep === "set" ? hasTwoStep : sql`not ${hasTwoStep}`);
  return sql.join(conditions, sql` and `);
}

type RawRow = {
  membership_id: string;
  account_id: string;
  name: string;
  email: string;
  role: MembershipRole;
  is_owner: boolean;
  status: MemberListStatus;
  tags: MemberTag[];
  access_expires_at: string | Date | null;
  last_sign_in_at: string | Date | null;
  invited_by_name: string | null;
  invited_at: string | Date | null;
  two_step: boolean;
  invitation_id: string | null;
  invitation_expires_at: string | Date | null;
  send_count: number | null;
  email_status: "queued" | "sending" | "retrying" | "sent" | "failed" | null;
  email_next_attempt_at: string | Date | null;
  email_last_error: string | null;
};

const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

function delivery(row: RawRow): EmailDelivery | null {
  switch (row.email_status) {
    case null:
      return null;
    case "sent":
      return { state: "sent" };
    case "failed":
      return { state: "failed", reason: row.email_last_error };
    case "retrying":
      return { state: "retrying", nextAttemptAt: new Date(row.email_next_attempt_at ?? Date.now()) };
    default:
      return { state: "queued" };
  }
}

/**
 * For members who may read the member list: one page of the organization's members, an invited
 * one with its open invitation, searched and filtered in the database. One query whatever the
 * page or its size.
 */
export async function listMembers(actor: Actor, query: MembersQuery): Promise<MemberList> {
  assertCan(actor, "members:read");
  const db = await getDb();
  const where = filters(actor, query);
  const offset = (query.page - 1) * MEMBERS_PAGE_SIZE;
  // Unfiltered, the matching rows are every membership, counted by the database as they come and
  // go (organization_member_counts); filtered, the matches are counted.
  const totalSql =
    query.q || query.role || query.status || query.twoStep
      ? sql`(select count(*)::int from memberships m where ${where})`
      : sql`coalesce((select c.member_count from organization_member_counts c where c.organization_id = ${actor.organizationId}), 0)`;

  // One statement: the page and the counts. The page is chosen on memberships alone, in the order
  // of memberships_organization_list_idx (sort_name is the lower-cased name shown, kept by
  // the database), walking that one index; the details are joined for the page's rows only. A
  // page in the second half of the list walks the index from its end (backward, the reverse
  // order), so the last page costs what the first does however long the list; only one of the
  // two branches runs (the other's condition is false before it starts). The outer limit changes
  // no result: it tells the planner the page is one page, which it cannot read from the second
  // branch's computed limit (it guessed a tenth of the organization, and past ~10,000 members
  // joined every account by hash instead of looking up the page's rows). The counts come back on
  // every row, and on a single row of nulls when the page is empty.
  const result = await db.execute(sql`
    with total as (select ${totalSql} as n),
    page as (select * from (
      (select m.id, m.is_owner, m.sort_name
      from memberships m
      where ${where} and ${offset}::int * 2 <= (select n from total)
      order by m.is_owner desc nulls last, m.sort_name, m.id
      limit ${MEMBERS_PAGE_SIZE} offset ${offset})
      union all
      (select m.id, m.is_owner, m.sort_name
      from memberships m
      where ${where} and ${offset}::int * 2 > (select n from total)
      order by m.is_owner asc nulls first, m.sort_name desc nulls first, m.id desc nulls first
      limit greatest(0, least(${MEMBERS_PAGE_SIZE}::int, (select n from total) - ${offset}::int))
      offset greatest(0, (select n from total) - ${offset}::int - ${MEMBERS_PAGE_SIZE}::int))
    ) branches limit ${MEMBERS_PAGE_SIZE}),
    counts as (
      select
        (select n from total) as total,
        -- Whether there is exactly one: two found are enough to know, however many there are.
        (select count(*)::int from (
          select 1 from memberships m where m.organization_id = ${actor.organizationId} and ${activeAdministratorCondition("m")} limit 2
        ) admins) = 1 as sole_active_administrator
    )
    select c.total, c.sole_active_administrator, r.*
    from counts c
    left join lateral (
      select m.id as membership_id, m.account_id,
        case when ${accountShown} then a.name else split_part(a.email, '@', 1) end as name,
        a.email, m.role, m.is_owner, m.tags,
        case
          when m.status <> 'invited' then m.status::text
          when inv.status = 'pending' and inv.expires_at > now() then 'invited'
          else 'expired'
        end as status,
        m.access_expires_at, case when ${accountShown} then a.last_sign_in_at end as last_sign_in_at,
        inviter.name as invited_by_name,
        coalesce(inv.created_at, m.invited_at) as invited_at, ${hasTwoStep} as two_step,
        inv.id as invitation_id, inv.expires_at as invitation_expires_at, inv.send_count,
        email.status as email_status, email.next_attempt_at as email_next_attempt_at, email.last_error as email_last_error,
        p.sort_name as page_sort_name, p.is_owner as page_is_owner
      from page p
      join memberships m on m.id = p.id
      join accounts a on a.id = m.account_id
      ${openInvitation}
      left join accounts inviter on inviter.id = coalesce(inv.invited_by_account_id, m.invited_by_account_id)
      left join email_outbox email on email.id = inv.last_email_id
    ) r on true
    order by r.page_is_owner desc, r.page_sort_name, r.membership_id`);

  const all = rowsOf<RawRow & { total: number; sole_active_administrator: boolean }>(result);
  const counts = all[0];
  const total = Number(counts?.total ?? 0);
  return {
    rows: all
      .filter((r) => r.membership_id !== null)
      .map((r) => ({
        membershipId: r.membership_id,
        accountId: r.account_id,
        name: r.name,
        email: r.email,
        role: r.role,
        isOwner: r.is_owner,
        status: r.status,
        tags: r.tags,
        accessExpiresAt: date(r.access_expires_at),
        lastSignInAt: date(r.last_sign_in_at),
        invitedByName: r.invited_by_name,
        invitedAt: date(r.invited_at),
        twoStep: r.two_step === true,
        invitation: r.invitation_id
          ? {
              id: r.invitation_id,
              expiresAt: new Date(r.invitation_expires_at ?? 0),
              sendCount: Number(r.send_count ?? 1),
              delivery: delivery(r),
            }
          : null,
      })),
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE)),
    pageSize: MEMBERS_PAGE_SIZE,
    soleActiveAdministrator: counts?.sole_active_administrator === true,
  };
}
