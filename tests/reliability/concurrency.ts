import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { accounts, auditEvents, emailOutbox, invitations, memberships } from "@/db/schema";
import { pagePath, type ActionClient, type ActionInfo } from "../support/action-client";
import { addMember, createAccount, createOrganizationWithOwner, DEFAULT_PASSWORD } from "../support/factories";
import type { World } from "./identities";

type Input = {
  db: Database;
  world: World;
  clients: [ActionClient, ActionClient];
  signIn: (server: 0 | 1, login: { email: string; password: string }) => Promise<ActionClient>;
};
export type ConcurrencyOutcome = { figures: Record<string, number>; goals: [string, boolean][]; secrets: string[] };

/**
 * Races across two app instances on one PostgreSQL database: many administrators sending the
 * same invitation at the same moment must leave exactly one of everything; one invitation
 * accepted twenty times at once, one membership; and rounds of simultaneous member changes that
 * must leave every organization one owner who is an active administrator.
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
  const secrets = responses
    .flatMap((r) => JSON.stringify(r.result ?? "").match(/"temporaryPassword":"([^"]+)"/g) ?? [])
    .map((m) => m.split(":")[1]!.replaceAll('"', ""));

  const count = async (query: Promise<{ n: number }[]>) => Number((await query)[0]?.n ?? 0);
  const normalized = address.toLowerCase();
  const accountsCreated = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(accounts)
      .where(eq(accounts.emailNormalized, normalized)),
  );
  const invitationsCreated = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(invitations)
      .where(and(eq(invitations.organizationId, world.target.org.id), eq(invitations.emailNormalized, normalized))),
  );
  const emailsQueued = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(emailOutbox)
      .where(eq(emailOutbox.toAddress, address)),
  );
  const membershipsCreated = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .innerJoin(accounts, eq(accounts.id, memberships.accountId))
      .where(and(eq(memberships.organizationId, world.target.org.id), eq(accounts.emailNormalized, normalized))),
  );
  // Unexpected: the request failed, or one of its lines did (a line fails on its own, after the
  // request has answered).
  const unexpected = responses.filter((r) => {
    const result = r.result as { code?: string; data?: { invitations?: { code?: string }[] } } | undefined;
    return (
      r.status >= 500 ||
      result?.code === "unexpected" ||
      (result?.data?.invitations ?? []).some((line) => line.code === "errors.unexpected")
    );
  }).length;

  // The same invitation accepted 20 times at once by its invitee, signed in on both instances.
  const invitee = [await signIn(0, world.existingInvitee.login), await signIn(1, world.existingInvitee.login)];
  const accept = clients[0].find("app/invite/actions.ts", "acceptInvitationAction");
  const acceptances = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      invitee[i % 2]!.call(
        accept,
        [{ invitationId: world.existingInvitee.invitationId, key: world.existingInvitee.key }],
        {
          path: `/invite/${world.existingInvitee.invitationId}`,
        },
      ),
    ),
  );
  const acceptedMemberships = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .where(
        and(
          eq(memberships.organizationId, world.target.org.id),
          eq(memberships.accountId, world.existingInvitee.accountId),
          eq(memberships.status, "active"),
        ),
      ),
  );
  const acceptedInvitations = await count(
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(invitations)
      .where(and(eq(invitations.id, world.existingInvitee.invitationId), eq(invitations.status, "accepted"))),
  );
  const acceptUnexpected = acceptances.filter(
    (r) => r.status >= 500 || (r.result as { code?: string } | undefined)?.code === "unexpected",
  ).length;

  const lastAdmin = await lastAdministratorRounds(db, signIn, clients[0]);
  const orphaned = await db.execute(sql`
    select count(*)::int as n from organizations o
    where not exists (
            select 1 from memberships m
            where m.organization_id = o.id and m.role = 'administrator' and m.status = 'active'
              and (m.access_expires_at is null or m.access_expires_at > now()))
       or (select count(*) from memberships m where m.organization_id = o.id and m.is_owner) <> 1
       or exists (
            select 1 from memberships m
            where m.organization_id = o.id and m.is_owner
              and (m.role <> 'administrator' or m.status <> 'active' or m.access_expires_at is not null))`);
  const lastAdminViolations = Number(rowsOf<{ n: number }>(orphaned)[0]?.n ?? 0);

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
    lastAdminRounds: lastAdmin.rounds,
    lastAdminRequests: lastAdmin.requests,
    lastAdminApplied: lastAdmin.applied,
    lastAdminViolations,
    lastAdminAuditMismatches: lastAdmin.auditMismatches,
    lastAdminUnexpected: lastAdmin.unexpected,
  };
  return {
    figures,
    goals: [
      ["concurrency: one account", accountsCreated === 1],
      ["concurrency: one invitation", invitationsCreated === 1],
      ["concurrency: one email", emailsQueued === 1],
      ["concurrency: one membership", membershipsCreated === 1],
      ["concurrency: no unexpected error", unexpected === 0 && acceptUnexpected === 0 && lastAdmin.unexpected === 0],
      ["concurrency: one acceptance", acceptedMemberships === 1 && acceptedInvitations === 1],
      [
        "concurrency: every organization keeps one owner, an active administrator without expiry",
        lastAdminViolations === 0,
      ],
      [
        "concurrency: every applied member change audited once, no refused one",
        lastAdmin.auditMismatches === 0 && lastAdmin.applied > 0,
      ],
    ],
    secrets,
  };
}

type Login = { email: string; password: string };

/**
 * Every organization has an owner, who stays an enabled administrator without an expiry and
 * cannot be removed; ownership moves only to another active administrator. So the last
 * administrator is kept by the owner rule, and the race is on that rule: in each round an
 * organization of an owner and two other administrators, all three signed in on both
 * instances, fire at the same moment every change that could leave it without an owner who
 * can act, or with a second owner — transfers of ownership, demotions, disabling, an access
 * expiry, removals — each side on the instance the round gives it. Whatever order the database
 * puts them in, the state must stay valid, and each change that was applied must be audited
 * exactly once.
 */
async function lastAdministratorRounds(db: Database, signIn: Input["signIn"], any: ActionClient, rounds = 10) {
  const update = any.find("app/o/[slug]/admin/users/actions.ts", "updateMemberAction");
  const remove = any.find("app/o/[slug]/admin/users/actions.ts", "removeMemberAction");
  const transfer = any.find("app/o/[slug]/admin/users/actions.ts", "transferOwnershipAction");
  const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  let requests = 0;
  let applied = 0;
  let auditMismatches = 0;
  let unexpected = 0;

  for (let round = 0; round < rounds; round++) {
    const { org, owner, membership: ownerMembership } = await createOrganizationWithOwner(db, `Trio ${round}`);
    const admin = async (name: string) => {
      const account = await createAccount(db, { name });
      return { account, membership: (await addMember(db, org.id, account.id, { role: "administrator" })).id };
    };
    const people = {
      O: { account: owner, membership: ownerMembership.id },
      A: await admin(`Alma ${round}`),
      B: await admin(`Boris ${round}`),
    };
    const signedIn = {} as Record<"O" | "A" | "B", [ActionClient, ActionClient]>;
    for (const name of ["O", "A", "B"] as const) {
      const login: Login = { email: people[name].account.email, password: DEFAULT_PASSWORD };
      signedIn[name] = [await signIn(0, login), await signIn(1, login)];
    }
    const member = (
      name: "O" | "A" | "B",
      change: { role?: "administrator" | "user"; enabled?: boolean; accessExpiresAt?: string },
    ) => ({
      membershipId: people[name].membership,
      role: change.role ?? "administrator",
      enabled: change.enabled ?? true,
      accessExpiresAt: change.accessExpiresAt ?? "",
      tags: [],
    });
    const operations: ["O" | "A" | "B", ActionInfo, unknown][] = [
      ["O", transfer, { membershipId: people.A.membership }],
      ["O", update, member("A", { role: "user" })],
      ["O", update, member("B", { enabled: false })],
      ["A", update, member("B", { role: "user" })],
      ["A", transfer, { membershipId: people.B.membership }],
      ["A", update, member("O", { role: "user" })],
      ["A", remove, { membershipId: people.O.membership }],
      ["B", update, member("A", { role: "user" })],
      ["B", remove, { membershipId: people.A.membership }],
      ["B", update, member("A", { accessExpiresAt: inTwoDays })],
      ["B", update, member("O", { enabled: false })],
      ["B", transfer, { membershipId: people.A.membership }],
    ];
    // A different order and a different instance for each side in every round.
    const shuffled = operations
      .map((op, i) => ({ op, order: (i * 7 + round * 5) % operations.length }))
      .sort((x, y) => x.order - y.order);
    const responses = await Promise.all(
      shuffled.map(({ op: [actor, action, input] }, i) =>
        signedIn[actor][(i + round) % 2]!.call(action, [org.slug, input], { path: `/o/${org.slug}/admin/users` }),
      ),
    );
    requests += responses.length;
    unexpected += responses.filter(
      (r) => r.status >= 500 || (r.result as { code?: string } | undefined)?.code === "unexpected",
    ).length;
    const changes = responses.filter((r) => {
      const result = r.result as { ok?: boolean; data?: { changed?: boolean } } | undefined;
      return result?.ok === true && result.data?.changed !== false;
    }).length;
    applied += changes;
    const [audited] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, org.id),
          inArray(auditEvents.action, ["member.updated", "member.removed", "member.ownership_transferred"]),
        ),
      );
    if (Number(audited?.n ?? 0) !== changes) auditMismatches++;
  }
  return { rounds, requests, applied, auditMismatches, unexpected };
}
