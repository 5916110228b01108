import "server-only";
import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db/client";
import { accounts, auditEvents, emailOutbox, invitations, memberships, sessions } from "@/db/schema";
import type { Invitation } from "@/db/schema";
import { auditEventColumns, toAuditEventView, type AuditEventView } from "@/lib/audit/list";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { notFound } from "@/lib/errors";
import { nameFromAddress } from "@/lib/security/email";
import type { MemberListStatus, MemberTag } from "@/lib/validations/members";
import type { EmailDelivery, MemberRow } from "./list";

type MemberInvitation = {
  id: string;
  email: string;
  role: MemberRow["role"];
  /** `expired` for a pending invitation past its expiry. */
  status: Invitation["status"];
  createdAt: Date;
  expiresAt: Date;
  invitedByName: string | null;
  sendCount: number;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  declinedAt: Date | null;
  delivery: EmailDelivery | null;
};

type MemberSignIn = { at: Date; ip: string | null; userAgent: string | null };

export type MemberDetail = {
  member: MemberRow;
  joinedAt: Date | null;
  invitations: MemberInvitation[];
  timeline: AuditEventView[];
  signIns: MemberSignIn[];
};

const TIMELINE_LIMIT = 100;
const SIGN_INS_LIMIT = 10;

function delivery(status: string | null, nextAttemptAt: Date | null, lastError: string | null): EmailDelivery | null {
  switch (status) {
    case null:
      return null;
    case "sent":
      return { state: "sent" };
    case "failed":
      return { state: "failed", reason: lastError };
    case "retrying":
      return { state: "retrying", nextAttemptAt: nextAttemptAt ?? new Date() };
    default:
      return { state: "queued" };
  }
}

/**
 * For members who may read the member list (`members:read`): one membership of the actor's
 * organization with its invitations (every status, each with its email's delivery state), its
 * audit timeline (events of this organization whose target is the membership, one of its
 * invitations or its account) and the account's last sign-ins. A membership of another
 * organization is `notFound`, as is an unknown one.
 */
export async function getMemberDetail(actor: Actor, membershipId: string): Promise<MemberDetail> {
  assertCan(actor, "members:read");
  const db = await getDb();
  const inviter = alias(accounts, "inviter");
  const [row] = await db
    .select({
      membershipId: memberships.id,
      accountId: memberships.accountId,
      name: accounts.name,
      email: accounts.email,
      role: memberships.role,
      isOwner: memberships.isOwner,
      status: memberships.status,
      tags: memberships.tags,
      accessExpiresAt: memberships.accessExpiresAt,
      lastSignInAt: accounts.lastSignInAt,
      invitedByName: inviter.name,
      invitedAt: memberships.invitedAt,
      joinedAt: memberships.joinedAt,
      twoStep: sql<boolean>`exists (select 1 from two_step_factors f where f.account_id = ${memberships.accountId} and f.confirmed_at is not null)`,
    })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .leftJoin(inviter, eq(inviter.id, memberships.invitedByAccountId))
    .where(and(eq(memberships.id, membershipId), eq(memberships.organizationId, actor.organizationId)));
  if (!row) throw notFound();

  const invitationRows = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      status: invitations.status,
      live: sql<boolean>`${invitations.expiresAt} > now()`,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      invitedByName: inviter.name,
      sendCount: invitations.sendCount,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      declinedAt: invitations.declinedAt,
      emailStatus: emailOutbox.status,
      emailNextAttemptAt: emailOutbox.nextAttemptAt,
      emailLastError: emailOutbox.lastError,
    })
    .from(invitations)
    .leftJoin(inviter, eq(inviter.id, invitations.invitedByAccountId))
    .leftJoin(emailOutbox, eq(emailOutbox.id, invitations.lastEmailId))
    .where(and(eq(invitations.organizationId, actor.organizationId), eq(invitations.accountId, row.accountId)))
    .orderBy(desc(invitations.createdAt));

  const memberInvitations: MemberInvitation[] = invitationRows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status === "pending" && !i.live ? "expired" : i.status,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    invitedByName: i.invitedByName,
    sendCount: i.sendCount,
    acceptedAt: i.acceptedAt,
    revokedAt: i.revokedAt,
    declinedAt: i.declinedAt,
    delivery: delivery(i.emailStatus, i.emailNextAttemptAt, i.emailLastError),
  }));

  const targets = [
    and(eq(auditEvents.targetType, "membership"), eq(auditEvents.targetId, row.membershipId)),
    and(eq(auditEvents.targetType, "account"), eq(auditEvents.targetId, row.accountId)),
    // Ownership moves name both memberships in their details.
    sql`${auditEvents.details}->>'fromMembershipId' = ${row.membershipId}`,
    sql`${auditEvents.details}->>'toMembershipId' = ${row.membershipId}`,
  ];
  if (memberInvitations.length) {
    targets.push(
      and(
        eq(auditEvents.targetType, "invitation"),
        inArray(
          auditEvents.targetId,
          memberInvitations.map((i) => i.id),
        ),
      ),
    );
  }
  // An invited member's account is not the organization's to see until they accept (as in
  // listMembers): the address, its local part as the name, and none of its sign-ins.
  const accountShown = row.status !== "invited";
  const [events, signIns] = await Promise.all([
    db
      .select(auditEventColumns)
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, actor.organizationId), or(...targets)))
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(TIMELINE_LIMIT),
    accountShown
      ? db
          .select({ at: sessions.createdAt, ip: sessions.ip, userAgent: sessions.userAgent })
          .from(sessions)
          .where(eq(sessions.accountId, row.accountId))
          .orderBy(desc(sessions.createdAt))
          .limit(SIGN_INS_LIMIT)
      : [],
  ]);

  const open = memberInvitations.find((i) => i.status === "pending" || i.status === "expired");
  const status: MemberListStatus =
    row.status !== "invited" ? row.status : open?.status === "pending" ? "invited" : "expired";
  return {
    member: {
      membershipId: row.membershipId,
      accountId: row.accountId,
      name: accountShown ? row.name : nameFromAddress(row.email),
      email: row.email,
      role: row.role,
      isOwner: row.isOwner,
      status,
      tags: row.tags as MemberTag[],
      accessExpiresAt: row.accessExpiresAt,
      lastSignInAt: accountShown ? row.lastSignInAt : null,
      invitedByName: row.invitedByName,
      invitedAt: row.invitedAt,
      twoStep: accountShown && row.twoStep === true,
      invitation:
        row.status === "invited" && open
          ? { id: open.id, expiresAt: open.expiresAt, sendCount: open.sendCount, delivery: open.delivery }
          : null,
    },
    joinedAt: row.joinedAt,
    invitations: memberInvitations,
    timeline: events.map(toAuditEventView),
    signIns,
  };
}
