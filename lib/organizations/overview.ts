import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { activeAdministratorCondition } from "@/lib/members/list";

/** How far back a failed email still counts on the Overview. */
export const FAILED_EMAIL_WINDOW_DAYS = 30;
const OVERVIEW_EVENT_COUNT = 10;

type OverviewEvent = {
  id: number;
  createdAt: Date;
  action: string;
  actor: { name: string | null; email: string | null };
  target: { id: string | null; label: string | null };
  details: Record<string, unknown>;
  /** The membership the event is about, when that person is still in the organization. */
  membershipId: string | null;
};

export type OrganizationOverview = {
  /** Active members whose access has not ended. */
  members: number;
  /** Administrators who can act today (active, access not ended). */
  administrators: number;
  /** Invitations still open: pending and not expired. */
  pendingInvitations: number;
  /** Emails waiting for another attempt. */
  emailsRetrying: number;
  /** Emails that gave up, created in the last FAILED_EMAIL_WINDOW_DAYS days. */
  emailsFailed: number;
  /** The newest audit events, newest first. */
  events: OverviewEvent[];
};

type CountsRow = {
  members: number;
  administrators: number;
  pending_invitations: number;
  emails_retrying: number;
  emails_failed: number;
};

type EventRow = {
  id: string | number;
  created_at: string | Date;
  action: string;
  actor_name: string | null;
  actor_email: string | null;
  target_id: string | null;
  target_label: string | null;
  details: Record<string, unknown> | string;
  membership_id: string | null;
};

const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/**
 * For an administrator (members and audit readers): the organization's counts and its newest
 * audit events, each with the member it concerns when still there. Two statements, each bounded
 * by an organization index, whatever the organization's size.
 */
export async function getOrganizationOverview(actor: Actor): Promise<OrganizationOverview> {
  assertCan(actor, "members:read");
  assertCan(actor, "audit:read");
  const db = await getDb();
  const org = actor.organizationId;
  const [counts, events] = await Promise.all([
    db.execute(sql`
      select
        (select count(*)::int from memberships m
          where m.organization_id = ${org} and m.status = 'active'
            and (m.access_expires_at is null or m.access_expires_at > now())) as members,
        (select count(*)::int from memberships m
          where m.organization_id = ${org} and ${activeAdministratorCondition("m")}) as administrators,
        (select count(*)::int from invitations i
          where i.organization_id = ${org} and i.status = 'pending' and i.expires_at > now()) as pending_invitations,
        (select count(*)::int from email_outbox e
          where e.organization_id = ${org} and e.status = 'retrying') as emails_retrying,
        (select count(*)::int from email_outbox e
          where e.organization_id = ${org} and e.status = 'failed'
            and e.created_at > now() - make_interval(days => ${FAILED_EMAIL_WINDOW_DAYS})) as emails_failed`),
    // The target names a membership, an account or an invitation (by its text id); each leads to
    // at most one membership of this organization through memberships_organization_account_key.
    db.execute(sql`
      select e.id, e.created_at, e.action, e.actor_name, e.actor_email, e.target_id, e.target_label, e.details,
        member.id as membership_id
      from (
        select * from audit_events
        where organization_id = ${org}
        order by created_at desc nulls last, id desc nulls last
        limit ${OVERVIEW_EVENT_COUNT}
      ) e
      left join lateral (
        select case when e.target_id ~ ${UUID_PATTERN} then e.target_id::uuid end as id
      ) target on true
      left join lateral (
        select m.id from memberships m
        where m.organization_id = ${org} and target.id is not null and (
          (e.target_type = 'membership' and m.id = target.id)
          or (e.target_type = 'account' and m.account_id = target.id)
          or (e.target_type = 'invitation' and m.account_id = (
            select i.account_id from invitations i where i.id = target.id and i.organization_id = ${org})))
        limit 1
      ) member on true
      order by e.created_at desc, e.id desc`),
  ]);
  const c = rowsOf<CountsRow>(counts)[0];
  return {
    members: Number(c?.members ?? 0),
    administrators: Number(c?.administrators ?? 0),
    pendingInvitations: Number(c?.pending_invitations ?? 0),
    emailsRetrying: Number(c?.emails_retrying ?? 0),
    emailsFailed: Number(c?.emails_failed ?? 0),
    events: rowsOf<EventRow>(events).map((e) => ({
      id: Number(e.id),
      createdAt: new Date(e.created_at),
      action: e.action,
      actor: { name: e.actor_name, email: e.actor_email },
      target: { id: e.target_id, label: e.target_label },
      details: typeof e.details === "string" ? (JSON.parse(e.details) as Record<string, unknown>) : e.details,
      membershipId: e.membership_id,
    })),
  };
}
