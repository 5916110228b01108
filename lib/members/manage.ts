import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { memberships, type MembershipStatus } from "@/db/schema";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { diff, recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { accessExpiryInstant, type MembershipIdInput, type UpdateMemberInput } from "@/lib/validations/members";
import {
  assertAnotherAdministratorRemains,
  canStillAdminister,
  lockActiveAdministrators,
  lockMember,
  type LockedMember,
} from "./guards";

const auditTarget = (member: LockedMember) => ({ type: "membership", id: member.id, label: member.email });

function refuseInvited(member: LockedMember): void {
  // An invited person has not joined yet: their row offers Re-invite and Cancel invitation instead.
  if (member.status === "invited") throw new DomainError("users.notJoinedYet", { status: 409 });
}

/**
 * For members who manage members: changes a member's role, enabled state, access expiry and
 * tags. The owner stays an enabled administrator without an expiry; the organization keeps an
 * administrator who can act; audited as `member.updated`.
 */
export async function updateMember(
  actor: Actor,
  input: UpdateMemberInput,
): Promise<{ membershipId: string; changed: boolean }> {
  assertCan(actor, "members:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const administrators = await lockActiveAdministrators(tx, actor.organizationId);
    await lockActor(tx, actor, "members:manage");
    const member = await lockMember(tx, actor, input.membershipId);
    refuseInvited(member);

    const accessExpiresAt = accessExpiryInstant(input.accessExpiresAt);
    const status: MembershipStatus = input.enabled ? "active" : "disabled";
    const tags = [...new Set(input.tags)].sort();
    if (member.isOwner) {
      if (input.role !== "administrator")
        throw new DomainError("users.ownerStaysAdministrator", { field: "role", status: 409 });
      if (!input.enabled) throw new DomainError("users.ownerStaysEnabled", { field: "enabled", status: 409 });
      if (accessExpiresAt) throw new DomainError("users.ownerHasNoExpiry", { field: "accessExpiresAt", status: 409 });
    }
    if (tags.includes("privileged") && !accessExpiresAt)
      throw new DomainError("users.privilegedNeedsExpiry", { field: "accessExpiresAt" });
    const expiryChanged = (accessExpiresAt?.getTime() ?? null) !== (member.accessExpiresAt?.getTime() ?? null);
    if (expiryChanged && accessExpiresAt && accessExpiresAt.getTime() <= Date.now()) {
      throw new DomainError("users.expiryInPast", { field: "accessExpiresAt" });
    }

    const administering = administrators.find((a) => a.id === member.id);
    const stillAdministers = input.role === "administrator" && status === "active";
    if (administering && canStillAdminister(administering) && !stillAdministers)
      assertAnotherAdministratorRemains(administrators, member.id);

    const before = {
      role: member.role,
      status: member.status,
      accessExpiresAt: member.accessExpiresAt?.toISOString() ?? null,
      tags: [...member.tags].sort(),
    };
    const after = { role: input.role, status, accessExpiresAt: accessExpiresAt?.toISOString() ?? null, tags };
    const changes = diff(before, after);
    if (Object.keys(changes).length === 0) return { membershipId: member.id, changed: false };

    await tx
      .update(memberships)
      .set({ role: input.role, status, accessExpiresAt, tags, updatedAt: new Date() })
      .where(eq(memberships.id, member.id));
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "member.updated",
      target: auditTarget(member),
      details: { changes },
    });
    return { membershipId: member.id, changed: true };
  });
}

/**
 * For members who manage members: removes a member from the organization, at once (access is
 * read per request). Never oneself, never the owner. The account itself remains. Audited as
 * `member.removed`.
 */
export async function removeMember(actor: Actor, input: MembershipIdInput): Promise<{ membershipId: string }> {
  assertCan(actor, "members:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    // Taken for its order, not its rows: two administrators deleting each other queue here
    // instead of deadlocking on each other's membership.
    await lockActiveAdministrators(tx, actor.organizationId);
    await lockActor(tx, actor, "members:manage");
    const member = await lockMember(tx, actor, input.membershipId);
    if (member.accountId === actor.accountId) throw new DomainError("users.cannotDeleteSelf", { status: 409 });
    if (member.isOwner) throw new DomainError("users.cannotDeleteOwner", { status: 409 });
    refuseInvited(member);
    // No administrator guard is needed: the actor, an administrator who can act, remains.

    await tx.delete(memberships).where(eq(memberships.id, member.id));
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "member.removed",
      target: auditTarget(member),
      details: { name: member.name, role: member.role, status: member.status },
    });
    return { membershipId: member.id };
  });
}

/**
 * For the owner only: makes another active administrator the owner, in one transaction (the
 * former owner stays an administrator). The partial unique index keeps one owner whatever
 * races. Audited as `member.ownership_transferred`.
 */
export async function transferOwnership(actor: Actor, input: MembershipIdInput): Promise<{ membershipId: string }> {
  assertCan(actor, "members:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const administrators = await lockActiveAdministrators(tx, actor.organizationId);
    await lockActor(tx, actor, "members:manage");
    if (!administrators.some((a) => a.id === actor.membershipId && a.isOwner))
      throw new DomainError("users.onlyOwnerTransfers", { status: 403 });
    const member = await lockMember(tx, actor, input.membershipId);
    if (member.id === actor.membershipId) throw new DomainError("users.alreadyOwner", { status: 409 });
    const target = administrators.find((a) => a.id === member.id);
    if (!target || !canStillAdminister(target))
      throw new DomainError("users.ownerMustBeActiveAdministrator", { status: 409 });
    if (target.accessExpiresAt) throw new DomainError("users.newOwnerHasExpiry", { status: 409 });

    // Clear first: the one-owner index is checked row by row.
    await tx
      .update(memberships)
      .set({ isOwner: false, updatedAt: new Date() })
      .where(eq(memberships.id, actor.membershipId));
    await tx.update(memberships).set({ isOwner: true, updatedAt: new Date() }).where(eq(memberships.id, member.id));
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "member.ownership_transferred",
      target: auditTarget(member),
      details: { fromMembershipId: actor.membershipId, toMembershipId: member.id },
    });
    return { membershipId: member.id };
  });
}
