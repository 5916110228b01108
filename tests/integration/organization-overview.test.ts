import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { getOrganizationOverview } from "@/lib/organizations/overview";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner } from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

const t = withTestDatabase();
const DAY_MS = 86_400_000;

/** An outbox row in a given state, written with only the columns the Overview reads. */
function insertEmail(
  db: Database,
  organizationId: string,
  status: "queued" | "retrying" | "sent" | "failed",
  createdAt = new Date(),
) {
  return db.execute(sql`
    insert into email_outbox (organization_id, template, locale, to_address, payload, status, created_at)
    values (${organizationId}, 'invitation', 'en', 'x@example.com', '{}'::jsonb, ${status}, ${createdAt.toISOString()})`);
}

describe("the Overview", () => {
  it("counts members, administrators, open invitations and emails in trouble, of this organization only", async () => {
    const db = t.db();
    const acme = await createOrganizationWithOwner(db, "Acme");
    const admin = await createAccount(db, { name: "Ada Admin" });
    await addMember(db, acme.org.id, admin.id, { role: "administrator" });
    const user = await createAccount(db, { name: "Uma User" });
    await addMember(db, acme.org.id, user.id, { role: "user" });
    // Not counted: disabled, access ended, invited.
    await addMember(db, acme.org.id, (await createAccount(db)).id, { status: "disabled" });
    await addMember(db, acme.org.id, (await createAccount(db)).id, { accessExpiresAt: new Date(Date.now() - DAY_MS) });
    await createTestInvitation(db, { organizationId: acme.org.id, inviterAccountId: acme.owner.id });
    await createTestInvitation(db, {
      organizationId: acme.org.id,
      inviterAccountId: acme.owner.id,
      expiresAt: new Date(Date.now() - DAY_MS),
    });
    await insertEmail(db, acme.org.id, "retrying");
    await insertEmail(db, acme.org.id, "failed");
    await insertEmail(db, acme.org.id, "failed", new Date(Date.now() - 31 * DAY_MS));
    await insertEmail(db, acme.org.id, "sent");
    await insertEmail(db, acme.org.id, "queued");
    // Another organization's rows change nothing here.
    const globex = await createOrganizationWithOwner(db, "Globex");
    await createTestInvitation(db, { organizationId: globex.org.id, inviterAccountId: globex.owner.id });
    await insertEmail(db, globex.org.id, "failed");

    const overview = await getOrganizationOverview(acme.actor);
    expect(overview).toMatchObject({
      members: 3,
      administrators: 2,
      pendingInvitations: 1,
      emailsRetrying: 1,
      emailsFailed: 1,
    });
    const other = await getOrganizationOverview(globex.actor);
    expect(other).toMatchObject({ members: 1, administrators: 1, pendingInvitations: 1, emailsFailed: 1 });
  });

  it("lists the ten newest events, each with the member it concerns when there is one", async () => {
    const db = t.db();
    const acme = await createOrganizationWithOwner(db, "Acme");
    const grace = await createAccount(db, { name: "Grace Hopper" });
    const graceMembership = await addMember(db, acme.org.id, grace.id, { role: "user" });
    const invited = await createTestInvitation(db, { organizationId: acme.org.id, inviterAccountId: acme.owner.id });
    const actor = { accountId: acme.owner.id, name: acme.owner.name, email: acme.owner.email };
    await db.transaction(async (tx) => {
      for (let i = 0; i < 9; i++)
        await recordAudit(tx, {
          organizationId: acme.org.id,
          actor,
          action: "settings.updated",
          target: { type: "organization", id: acme.org.id, label: "Acme" },
          details: {},
        });
    });
    // Separate transactions: each later event is strictly newer.
    for (const target of [
      { type: "membership", id: graceMembership.id, label: grace.email },
      { type: "account", id: grace.id, label: grace.email },
      { type: "invitation", id: invited.invitation.id, label: invited.invitation.email },
      { type: "account", id: "not-a-uuid", label: "someone@example.com" },
    ])
      await db.transaction((tx) =>
        recordAudit(tx, { organizationId: acme.org.id, actor, action: "member.updated", target, details: {} }),
      );
    const globex = await createOrganizationWithOwner(db, "Globex");
    await db.transaction((tx) =>
      recordAudit(tx, {
        organizationId: globex.org.id,
        actor,
        action: "member.updated",
        target: { type: "membership", id: globex.membership.id, label: "x" },
        details: {},
      }),
    );

    const { events } = await getOrganizationOverview(acme.actor);
    expect(events).toHaveLength(10);
    expect(events.slice(0, 4).map((e) => [e.target.label, e.membershipId])).toEqual([
      ["someone@example.com", null],
      [invited.invitation.email, invited.membership.id],
      [grace.email, graceMembership.id],
      [grace.email, graceMembership.id],
    ]);
    expect(events.slice(4).every((e) => e.action === "settings.updated" && e.membershipId === null)).toBe(true);
  });

  it("is refused to a member who is not an administrator", async () => {
    const db = t.db();
    const acme = await createOrganizationWithOwner(db, "Acme");
    const user = await createAccount(db);
    const membership = await addMember(db, acme.org.id, user.id, { role: "user" });
    const error = await getOrganizationOverview(await actorFor(db, membership.id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("forbidden");
  });
});
