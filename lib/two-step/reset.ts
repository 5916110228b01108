import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { recoveryCodes, sessions, twoStepFactors } from "@/db/schema";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, forbidden } from "@/lib/errors";
import { lockMember } from "@/lib/members/guards";
import { countConfirmedFactors, lockAccount, queueTwoStepEmail } from "./shared";

/**
 * For an administrator (members:manage) of the member's organization: deletes every factor and
 * recovery code of the member's account and ends its sessions, so it enrolls again at its next
 * sign-in. Not the owner's unless by the owner; never the administrator's own unless they still
 * hold a factor. Audited in the organization and emailed to the member.
 */
export async function resetFactors(actor: Actor, membershipId: string): Promise<{ factorsRemoved: number }> {
  assertCan(actor, "members:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "members:manage");
    const member = await lockMember(tx, actor, membershipId);
    if (member.isOwner && !actor.isOwner) throw forbidden();
    const account = await lockAccount(tx, member.accountId);
    if (member.accountId === actor.accountId && (await countConfirmedFactors(tx, actor.accountId)) === 0) {
      throw new DomainError("two-step.ownResetNeedsFactor", { status: 403 });
    }
    const removed = await tx
      .delete(twoStepFactors)
      .where(eq(twoStepFactors.accountId, account.id))
      .returning({ confirmedAt: twoStepFactors.confirmedAt });
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, account.id));
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.accountId, account.id), isNull(sessions.revokedAt)));
    const factorsRemoved = removed.filter((f) => f.confirmedAt !== null).length;
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor: { accountId: actor.accountId, name: actor.name, email: actor.email, meta: actor.meta },
      action: "account.two_step_reset",
      target: { type: "account", id: account.id, label: account.email },
      details: { factorsRemoved },
    });
    await queueTwoStepEmail(tx, account, "factors-reset", { factorName: null, actorName: actor.name });
    return { factorsRemoved };
  });
}
