import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, memberships, twoStepFactors } from "@/db/schema";
import { updateAccountPreferences } from "@/lib/account/profile";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { getMemberDetail } from "@/lib/members/detail";
import { listMembers } from "@/lib/members/list";
import { updateMember } from "@/lib/members/manage";
import { membersQuerySchema } from "@/lib/validations/members";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner, createSession } from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

const t = withTestDatabase();
const meta = { ip: "192.0.2.9", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0" };

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

/** Acme with its owner, and Grace: invited once (cancelled), invited again (accepted), now an active administrator. */
async function scenario() {
  const acme = await createOrganizationWithOwner(t.db(), "Acme");
  const grace = await createAccount(t.db(), { name: "Grace Hopper" });
  const cancelled = await createTestInvitation(t.db(), {
    organizationId: acme.org.id,
    inviterAccountId: acme.owner.id,
    account: grace,
    status: "revoked",
  });
  // The second invitation reuses the membership, as a re-invitation after a cancel does.
  await t.db().delete(memberships).where(eq(memberships.id, cancelled.membership.id));
  const accepted = await createTestInvitation(t.db(), {
    organizationId: acme.org.id,
    inviterAccountId: acme.owner.id,
    account: grace,
    status: "accepted",
  });
  await t
    .db()
    .update(memberships)
    .set({ status: "active", joinedAt: new Date() })
    .where(eq(memberships.id, accepted.membership.id));
  await t.db().transaction(async (tx) => {
    for (const invitation of [cancelled.invitation, accepted.invitation]) {
      await recordAudit(tx, {
        organizationId: acme.org.id,
        actor: { accountId: acme.owner.id, name: acme.owner.name, email: acme.owner.email },
        action: "invitation.created",
        target: { type: "invitation", id: invitation.id, label: invitation.email },
        details: { role: "administrator" },
      });
    }
    await recordAudit(tx, {
      organizationId: acme.org.id,
      actor: { accountId: grace.id, name: grace.name, email: grace.email },
      action: "invitation.accepted",
      target: { type: "invitation", id: accepted.invitation.id, label: grace.email },
      details: { role: "administrator" },
    });
  });
  return {
    acme,
    grace,
    membershipId: accepted.membership.id,
    invitations: [cancelled.invitation, accepted.invitation],
  };
}

describe("the member page's data", () => {
  it("gathers the profile, every invitation, the organization's timeline and the last sign-ins", async () => {
    const { acme, grace, membershipId, invitations } = await scenario();
    // Grace also belongs to another organization, whose events must not show here.
    const globex = await createOrganizationWithOwner(t.db(), "Globex");
    await addMember(t.db(), globex.org.id, grace.id, { role: "user" });
    await updateMember(acme.actor, {
      membershipId,
      role: "user",
      enabled: true,
      accessExpiresAt: "",
      tags: ["external"],
    });
    const [row] = await t.db().select().from(accounts).where(eq(accounts.id, grace.id));
    await updateAccountPreferences(
      { id: grace.id, email: grace.email, name: grace.name, locale: null, passwordIsTemporary: false },
      { name: "Grace B. Hopper", locale: "", timeZone: "" },
      meta,
    );
    await createSession(t.db(), grace.id, { ip: meta.ip, userAgent: meta.userAgent });
    // An event in Acme about someone else.
    await t.db().transaction((tx) =>
      recordAudit(tx, {
        organizationId: acme.org.id,
        actor: { accountId: acme.owner.id, name: acme.owner.name, email: acme.owner.email },
        action: "settings.updated",
        target: { type: "organization", id: acme.org.id, label: acme.org.name },
      }),
    );

    const detail = await getMemberDetail(acme.actor, membershipId);
    expect(detail.member).toMatchObject({
      membershipId,
      accountId: grace.id,
      name: "Grace B. Hopper",
      email: row!.email,
      role: "user",
      status: "active",
      tags: ["external"],
      isOwner: false,
      invitation: null,
    });
    expect(detail.invitations.map((i) => [i.id, i.status, i.invitedByName])).toEqual(
      expect.arrayContaining([
        [invitations[0]!.id, "revoked", acme.owner.name],
        [invitations[1]!.id, "accepted", acme.owner.name],
      ]),
    );
    expect(detail.invitations).toHaveLength(2);
    const actions = detail.timeline.map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(["account.updated", "member.updated"]);
    expect([...actions].sort()).toEqual(
      ["account.updated", "invitation.accepted", "invitation.created", "invitation.created", "member.updated"].sort(),
    );
    expect(detail.signIns).toEqual([{ at: expect.any(Date), ip: meta.ip, userAgent: meta.userAgent }]);
  });

  it("shows an invited member's open invitation with its expiry", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Pending");
    const invited = await createTestInvitation(t.db(), {
      organizationId: acme.org.id,
      inviterAccountId: acme.owner.id,
    });
    const detail = await getMemberDetail(acme.actor, invited.membership.id);
    expect(detail.member.status).toBe("invited");
    expect(detail.member.invitation?.id).toBe(invited.invitation.id);
    expect(detail.invitations.map((i) => i.status)).toEqual(["pending"]);
  });

  it("does not find a member of another organization, nor an unknown id", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Here");
    const globex = await createOrganizationWithOwner(t.db(), "There");
    const stranger = await addMember(t.db(), globex.org.id, (await createAccount(t.db())).id, { role: "user" });
    expect((await refusal(getMemberDetail(acme.actor, stranger.id))).code).toBe("notFound");
    expect((await refusal(getMemberDetail(acme.actor, "00000000-0000-4000-8000-000000000000"))).code).toBe("notFound");
    // Positive control: that organization's administrator sees them.
    expect((await getMemberDetail(globex.actor, stranger.id)).member.membershipId).toBe(stranger.id);
  });

  it("refuses a member with the user role; an administrator of the same organization sees the member", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Roles");
    const user = await addMember(t.db(), acme.org.id, (await createAccount(t.db())).id, { role: "user" });
    const admin = await addMember(t.db(), acme.org.id, (await createAccount(t.db())).id, { role: "administrator" });
    const error = await refusal(getMemberDetail(await actorFor(t.db(), user.id), acme.membership.id));
    expect(error.code).toBe("forbidden");
    const seen = await getMemberDetail(await actorFor(t.db(), admin.id), acme.membership.id);
    expect(seen.member).toMatchObject({ membershipId: acme.membership.id, isOwner: true });
  });
});

describe("an invited member's account, before they accept", () => {
  it("is not shown: the list and the member page give the address, not the account's name, sign-ins or two-step", async () => {
    const db = t.db();
    const acme = await createOrganizationWithOwner(db, "Acme");
    const local = `ada.${Date.now().toString(36)}`;
    const ada = await createAccount(db, {
      email: `${local}@example.com`,
      name: "Ada Lovelace",
      lastSignInAt: new Date("2026-11-01T08:00:00Z"),
    });
    await db.insert(twoStepFactors).values({ accountId: ada.id, kind: "totp", name: "Phone", confirmedAt: new Date() });
    await createSession(db, ada.id, { ip: "203.0.113.77", userAgent: "Ada's browser" });
    const { membership } = await createTestInvitation(db, {
      organizationId: acme.org.id,
      inviterAccountId: acme.owner.id,
      account: ada,
    });

    const row = async (q = "", twoStep?: "set" | "unset") =>
      (await listMembers(acme.actor, membersQuerySchema.parse({ q, twoStep }))).rows.find(
        (r) => r.membershipId === membership.id,
      );
    expect(await row()).toMatchObject({ name: local, email: ada.email, lastSignInAt: null, twoStep: false });
    expect(await row("lovelace")).toBeUndefined();
    expect(await row(local)).toBeDefined();
    expect(await row("", "set")).toBeUndefined();
    expect(await row("", "unset")).toBeDefined();
    const invited = await getMemberDetail(acme.actor, membership.id);
    expect(invited.member).toMatchObject({ name: local, lastSignInAt: null, twoStep: false });
    expect(invited.signIns).toEqual([]);
    expect(JSON.stringify(invited)).not.toMatch(/Lovelace|203\.0\.113\.77|Ada's browser/);

    // Positive control: once they have accepted, the organization sees the account.
    await db
      .update(memberships)
      .set({ status: "active", joinedAt: new Date() })
      .where(eq(memberships.id, membership.id));
    expect(await row()).toMatchObject({ name: "Ada Lovelace", twoStep: true });
    expect((await row())?.lastSignInAt).toBeInstanceOf(Date);
    expect(await row("lovelace")).toBeDefined();
    expect(await row("", "set")).toBeDefined();
    const member = await getMemberDetail(acme.actor, membership.id);
    expect(member.member).toMatchObject({ name: "Ada Lovelace", twoStep: true });
    expect(member.signIns.map((s) => s.ip)).toEqual(["203.0.113.77"]);
  });

  it("sorts by the address until they accept: the account's name does not place the row among the others", async () => {
    const db = t.db();
    const acme = await createOrganizationWithOwner(db, "Acme");
    const mid = await createAccount(db, { name: "Mid Member" });
    await addMember(db, acme.org.id, mid.id, { role: "user" });
    const invitee = await createAccount(db, { name: "Aaaa First", email: `zz.${Date.now().toString(36)}@example.com` });
    const { membership } = await createTestInvitation(db, {
      organizationId: acme.org.id,
      inviterAccountId: acme.owner.id,
      account: invitee,
    });
    const names = async () =>
      (await listMembers(acme.actor, membersQuerySchema.parse({}))).rows.filter((r) => !r.isOwner).map((r) => r.name);
    const local = invitee.email.split("@")[0]!;
    expect(await names()).toEqual(["Mid Member", local]);
    // Renaming the account changes nothing the organization sees while invited.
    await db.update(accounts).set({ name: "Aaaa Renamed" }).where(eq(accounts.id, invitee.id));
    expect(await names()).toEqual(["Mid Member", local]);

    // Positive control: accepted, the row is named and placed by the account's name.
    await db
      .update(memberships)
      .set({ status: "active", joinedAt: new Date() })
      .where(eq(memberships.id, membership.id));
    expect(await names()).toEqual(["Aaaa Renamed", "Mid Member"]);
  });
});
