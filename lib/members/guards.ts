import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { accounts, memberships, organizations, type MembershipRole, type MembershipStatus } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { DomainError, notFound } from "@/lib/errors";

export type LockedAdministrator = { id: string; isOwner: boolean; accessExpiresAt: Date | null };

/**
 * Locks the organization, then its active administrator memberships (FOR UPDATE), before a
 * change that could remove one. Two administrators acting at once queue on the organization's
 * row, and the second reads the administrators only once the first has committed, so it sees
 * its result. Locking the administrators alone is no queue: a change that started reading them
 * before someone became an administrator again misses that row, and its later lock on it (the
 * actor's own row, the member's) crosses the next change's locks in a deadlock. FOR NO KEY
 * UPDATE leaves inserts that reference the organization free. Call it before `lockActor`.
 */
export async function lockActiveAdministrators(
  tx: Transaction,
  organizationId: string,
): Promise<LockedAdministrator[]> {
  await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .for("no key update");
  return tx
    .select({ id: memberships.id, isOwner: memberships.isOwner, accessExpiresAt: memberships.accessExpiresAt })
    .from(memberships)
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        eq(memberships.role, "administrator"),
        eq(memberships.status, "active"),
      ),
    )
    .orderBy(asc(memberships.id))
    .for("update");
}

/** Whether a locked administrator can still act (their access has not ended). */
export function canStillAdminister(administrator: LockedAdministrator, now = Date.now()): boolean {
  return !administrator.accessExpiresAt || administrator.accessExpiresAt.getTime() > now;
}

/** Refuses a change that would leave the organization without an administrator who can act. */
export function assertAnotherAdministratorRemains(administrators: LockedAdministrator[], membershipId: string): void {
  const others = administrators.filter((a) => a.id !== membershipId && canStillAdminister(a));
  if (others.length === 0) throw new DomainError("users.lastAdministrator", { status: 409 });
}

export type LockedMember = {
  id: string;
  accountId: string;
  name: string;
  email: string;
  role: MembershipRole;
  status: MembershipStatus;
  isOwner: boolean;
  accessExpiresAt: Date | null;
  tags: string[];
};

/** Locks a membership of the actor's organization; an id from elsewhere is not found. */
export async function lockMember(tx: Transaction, actor: Actor, membershipId: string): Promise<LockedMember> {
  const [row] = await tx
    .select({
      id: memberships.id,
      accountId: memberships.accountId,
      name: accounts.name,
      email: accounts.email,
      role: memberships.role,
      status: memberships.status,
      isOwner: memberships.isOwner,
      accessExpiresAt: memberships.accessExpiresAt,
      tags: memberships.tags,
    })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .where(and(eq(memberships.id, membershipId), eq(memberships.organizationId, actor.organizationId)))
    .for("update", { of: memberships });
  if (!row) throw notFound();
  return row;
}
