import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, emailOutbox, invitations, memberships } from "@/db/schema";
import { pagePath, type ActionClient } from "../support/action-client";
import type { World } from "./identities";

type Input = { db: Database; world: World; clients: [ActionClient, ActionClient]; signIn: (server: 0 | 1, login: { email: string; password: string }) => Promise<ActionClient> };
export type ConcurrencyOutcome = { figures: Record<string, number>; goals: [string, boolean][]; secrets: string[] };

/**
 * Races across two app instances on one PostgreSQL database: many administrators sending the
 * same invitation at the same moment must leave exactly one of everything.
 */
export async function runConcurrency({ db, world, clients, signIn }: Input): Promise<ConcurrencyOutcome> {
  const address = `race.${Date.now()}@example.com`;
  const send = clients[0].find("app/o/[slug]/admin/users/invite/actions.ts", "sendInviteAction");
  const path = pagePath("app/o/[slug]/admin/users/invite/page", { slug: world.target.org.slug });
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      clients[i % 2]!.call(
        send,
        [
          world.target.org.slug,
          {
            idempotencyKey: crypto.randomUUID(),
            emails: address,
            passwordDelivery: "manual",
            options: { locale: "en", personalMessage: "", accessExpiry: "", external: false, privileged: false },
          },
        ],
        { path },
      ),
    ),
  );
  const secrets = responses.flatMap((r) => JSON.stringify(r.result ?? "").match(/"temporaryPassword":"([^"]+)"/g) ?? []).map((m) => m.split(":")[1]!.replaceAll('"', ""));

  const count = async (query: Promise<{ n: number }[]>) => Number((await query)[0]?.n ?? 0);
  const normalized = address.toLowerCase();
  const accountsCreated = await count(db.select({ n: sql<number>`count(*)::int` }).from(accounts).where(eq(accounts.emailNormalized, normalized)));
  const invitationsCreated = await count(
    db.select({ n: sql<number>`count(*)::int` }).from(invitations).where(and(eq(invitations.organizationId, world.target.org.id), eq(invitations.emailNormalized, normalized))),
  );
  const emailsQueued = await count(db.select({ n: sql<number>`count(*)::int` }).from(emailOutbox).where(eq(emailOutbox.toAddress, address)));
  const membershipsCreated = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .innerJoin(accounts, eq(accounts.id, memberships.accountId))
      .where(and(eq(memberships.organizationId, world.target.org.id), eq(accounts.emailNormalized, normalized))),
  );
  const unexpected = responses.filter((r) => r.status >= 500 || (r.result as { code?: string } | undefined)?.code === "unexpected").length;

  // The same invitation accepted 20 times at once by its invitee, signed in on both instances.
  const invitee = [await signIn(0, world.existingInvitee.login), await signIn(1, world.existingInvitee.login)];
  const accept = clients[0].find("app/invite/actions.ts", "acceptInvitationAction");
  const acceptances = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      invitee[i % 2]!.call(accept, [{ invitationId: world.existingInvitee.invitationId, key: world.existingInvitee.key }], {
        path: `/invite/${world.existingInvitee.invitationId}`,
      }),
    ),
  );
  const acceptedMemberships = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .where(and(eq(memberships.organizationId, world.target.org.id), eq(memberships.accountId, world.existingInvitee.accountId), eq(memberships.status, "active"))),
  );
  const acceptedInvitations = await count(
    db.select({ n: sql<number>`count(*)::int` }).from(invitations).where(and(eq(invitations.id, world.existingInvitee.invitationId), eq(invitations.status, "accepted"))),
  );
  const acceptUnexpected = acceptances.filter((r) => r.status >= 500 || (r.result as { code?: string } | undefined)?.code === "unexpected").length;

  // The two administrators of an organization demote each other at the same moment, one on each instance.
  const [owner, other] = [await signIn(0, world.duo.owner), await signIn(1, world.duo.other)];
  const update = clients[0].find("app/o/[slug]/admin/users/actions.ts", "updateMemberAction");
  const demote = (client: ActionClient, membershipId: string) =>
    client.call(update, [world.duo.slug, { membershipId, role: "user", enabled: true, accessExpiresAt: "", tags: [] }], { path: `/o/${world.duo.slug}/admin/users` });
  const demotions = await Promise.all([demote(owner, world.duo.otherMembership), demote(other, world.duo.ownerMembership)]);
  const orphaned = await db.execute(sql`
    select count(*)::int as n from organizations o
    where not exists (select 1 from memberships m where m.organization_id = o.id and m.role = 'administrator' and m.status = 'active')
       or (select count(*) from memberships m where m.organization_id = o.id and m.is_owner) <> 1`);
  const lastAdminViolations = Number((Array.isArray(orphaned) ? orphaned : (orphaned as { rows: { n: number }[] }).rows)[0]?.n ?? 0);
  const demoteUnexpected = demotions.filter((r) => r.status >= 500 || (r.result as { code?: string } | undefined)?.code === "unexpected").length;

  const figures = {
    sendInviteRequests: responses.length,
    accounts: accountsCreated,
    invitations: invitationsCreated,
    emails: emailsQueued,
    memberships: membershipsCreated,
    sendInviteUnexpected: unexpected,
    acceptRequests: acceptances.length,
    acceptedMemberships,
    acceptedInvitations,
    acceptUnexpected,
    lastAdminViolations,
    demoteUnexpected,
  };
  return {
    figures,
    goals: [
      ["concurrency: one account", accountsCreated === 1],
      ["concurrency: one invitation", invitationsCreated === 1],
      ["concurrency: one email", emailsQueued === 1],
      ["concurrency: one membership", membershipsCreated === 1],
      ["concurrency: no unexpected error", unexpected === 0 && acceptUnexpected === 0 && demoteUnexpected === 0],
      ["concurrency: one acceptance", acceptedMemberships === 1 && acceptedInvitations === 1],
      ["concurrency: no organization without an active administrator or with other than one owner", lastAdminViolations === 0],
    ],
    secrets,
  };
}
