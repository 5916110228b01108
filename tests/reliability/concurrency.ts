import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, emailOutbox, invitations, memberships } from "@/db/schema";
import { pagePath, type ActionClient } from "../support/action-client";
import type { World } from "./identities";

type Input = { db: Database; world: World; clients: [ActionClient, ActionClient] };
export type ConcurrencyOutcome = { figures: Record<string, number>; goals: [string, boolean][]; secrets: string[] };

/**
 * Races across two app instances on one PostgreSQL database: many administrators sending the
 * same invitation at the same moment must leave exactly one of everything.
 */
export async function runConcurrency({ db, world, clients }: Input): Promise<ConcurrencyOutcome> {
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

  const figures = { sendInviteRequests: responses.length, accounts: accountsCreated, invitations: invitationsCreated, emails: emailsQueued, memberships: membershipsCreated, sendInviteUnexpected: unexpected };
  return {
    figures,
    goals: [
      ["concurrency: one account", accountsCreated === 1],
      ["concurrency: one invitation", invitationsCreated === 1],
      ["concurrency: one email", emailsQueued === 1],
      ["concurrency: one membership", membershipsCreated === 1],
      ["concurrency: no unexpected error", unexpected === 0],
    ],
    secrets,
  };
}
