import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, memberships, organizations, recoveryCodes, sessions, twoStepFactors } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { normalizeEmail } from "@/lib/security/email";
import { queueTwoStepEmail } from "./shared";

/** What `npm run account:reset-factors` did: counts and names only, never a secret. */
export type ServerFactorReset = {
  email: string;
  factorsRemoved: number;
  recoveryCodesRemoved: number;
  sessionsEnded: number;
  organizations: string[];
};

/**
 * For the operator of the server alone (`npm run account:reset-factors -- <email>`), the last
 * resort when an account, the owner's included, has lost every factor and no other administrator
 * can reset it: deletes the account's factors and recovery codes and ends its sessions, so it
 * signs in with its password and enrolls again. Audited in each organization the account belongs
 * to (once without one otherwise) and emailed to the account. Null when no account has the address.
 */
export async function resetFactorsFromServer(email: string): Promise<ServerFactorReset | null> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id, email: accounts.email, name: accounts.name, locale: accounts.locale })
      .from(accounts)
      .where(eq(accounts.emailNormalized, normalizeEmail(email)))
      .for("update");
    if (!account) return null;
    const factors = await tx
      .delete(twoStepFactors)
      .where(eq(twoStepFactors.accountId, account.id))
      .returning({ confirmedAt: twoStepFactors.confirmedAt });
    const codes = await tx
      .delete(recoveryCodes)
      .where(eq(recoveryCodes.accountId, account.id))
      .returning({ id: recoveryCodes.id });
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.accountId, account.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    const orgs = await tx
      .select({ id: organizations.id, name: organizations.name })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(and(eq(memberships.accountId, account.id), eq(memberships.status, "active")));
    const factorsRemoved = factors.filter((f) => f.confirmedAt !== null).length;
    for (const organizationId of orgs.length ? orgs.map((o) => o.id) : [null]) {
      await recordAudit(tx, {
        organizationId,
        actor: { accountId: null, name: null, email: null, meta: { ip: null, userAgent: "account:reset-factors" } },
        action: "account.two_step_reset",
        target: { type: "account", id: account.id, label: account.email },
        details: { factorsRemoved, resetBy: "server" },
      });
    }
    await queueTwoStepEmail(tx, account, "factors-reset", { factorName: null, actorName: null });
    return {
      email: account.email,
      factorsRemoved,
      recoveryCodesRemoved: codes.length,
      sessionsEnded: ended.length,
      organizations: orgs.map((o) => o.name),
    };
  });
}
