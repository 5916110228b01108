import "server-only";
import { and, eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { memberships, type MembershipRole, type MembershipStatus } from "@/db/schema";
import type { AppLocale } from "@/lib/i18n/config";
import { DomainError, forbidden } from "@/lib/errors";
import { roleHasPermission, type Permission } from "@/lib/permissions";
import type { RequestMeta } from "./request-meta";

/** The signed-in account acting in one organization: every organization-scoped domain function takes it. */
export type Actor = {
  accountId: string;
  email: string;
  name: string;
  locale: AppLocale | null;
  organizationId: string;
  organizationSlug: string;
  organizationName: string;
  membershipId: string;
  role: MembershipRole;
  isOwner: boolean;
  accessExpiresAt: Date | null;
  meta: RequestMeta;
};

/** Whether the actor's role grants a permission (no database access; the UI uses it too). */
export function can(actor: Pick<Actor, "role">, permission: Permission): boolean {
  return roleHasPermission(actor.role, permission);
}

/** Throws `forbidden` unless the actor's role grants the permission. */
export function assertCan(actor: Pick<Actor, "role">, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden();
}

/** The actor's membership row as the database holds it now. */
export type ActorMembershipRow = { role: MembershipRole; status: MembershipStatus; accessExpiresAt: Date | null };

/**
 * Throws unless the membership row re-read from the database is still active, unexpired (at
 * `now`) and grants the permission: `forbidden`, or `accessExpired` for an expired access.
 */
export function assertActorMembership(
  row: ActorMembershipRow | undefined,
  permission: Permission,
  now = Date.now(),
): void {
  if (!row || row.status !== "active") throw forbidden();
  if (row.accessExpiresAt && row.accessExpiresAt.getTime() <= now)
    throw new DomainError("accessExpired", { status: 403 });
  if (!roleHasPermission(row.role, permission)) throw forbidden();
}

/**
 * Inside a mutation's transaction: re-reads the actor's membership, locks it against concurrent
 * change (FOR SHARE), and checks it is still active, unexpired, in this organization, with the
 * permission. Decisions made afterwards in the transaction rest on a membership that cannot
 * change under them.
 */
export async function lockActor(tx: Transaction, actor: Actor, permission: Permission): Promise<void> {
  assertCan(actor, permission);
  const [row] = await tx
    .select({ role: memberships.role, status: memberships.status, accessExpiresAt: memberships.accessExpiresAt })
    .from(memberships)
    .where(
      and(
        eq(memberships.id, actor.membershipId),
        eq(memberships.organizationId, actor.organizationId),
        eq(memberships.accountId, actor.accountId),
      ),
    )
    .for("share");
  assertActorMembership(row, permission);
}
