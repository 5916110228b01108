import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { queryCounter } from "@/db/query-counter";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/rows";
import { accounts, auditEvents, emailOutbox, invitations, memberships, organizationSettings } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { openSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import { INVITE_LIMITS } from "@/lib/invitations/create";
import { cancelInvitation, reinvite } from "@/lib/invitations/manage";
import { removeMember, transferOwnership, updateMember } from "@/lib/members/manage";
import { keyMatches } from "@/lib/security/tokens";
import type { UpdateMemberInput } from "@/lib/validations/members";
import { usingPostgres, withTestDatabase } from "../support/db";
import {
  actorFor,
  addMember,
  countRows,
  createAccount,
  createOrganization,
  createOrganizationWithOwner,
  uniqueEmail,
} from "../support/factories";
import { fillPendingInvitations } from "./invitations-support";

const t = withTestDatabase();
const DAY = 86_400_000;

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** The call is refused with `code` and writes nothing at all. */
async function expectRefused(call: () => Promise<unknown>, code: string, field?: string) {
  const before = await countRows(t.db());
  const snapshot = await t.db().select().from(memberships);
  const error = await domainError(call());
  expect(error.code).toBe(code);
  if (field) expect(error.options.field).toBe(field);
  expect(await countRows(t.db())).toEqual(before);
  expect(await t.db().select().from(memberships)).toEqual(snapshot);
}

async function memberOf(orgId: string, options: Parameters<typeof addMember>[3] & { name?: string } = {}) {
  const account = await createAccount(t.db(), { name: options.name ?? "Alex Admin" });
  const membership = await addMember(t.db(), orgId, account.id, options);
  return { account, membership, actor: await actorFor(t.db(), membership.id) };
}

const edit = (membershipId: string, changes: Partial<UpdateMemberInput> = {}): UpdateMemberInput => ({
  membershipId,
  role: "administrator",
  enabled: true,
  accessExpiresAt: "",
  tags: [],
  ...changes,
});

const future = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function membership(id: string) {
  const [row] = await t.db().select().from(memberships).where(eq(memberships.id, id));
  return row;
}

async function lastAudit(orgId: string) {
  const rows = await t.db().select().from(auditEvents).where(eq(auditEvents.organizationId, orgId));
  return rows.at(-1);
}

/** An invited person, as the Add Administrator wizard leaves them: account, invited membership, invitation, queued email. */
async function invited(
  actor: Actor,
  options: { passwordDelivery?: "none" | "email" | "manual"; expiresAt?: Date; signedIn?: boolean } = {},
) {
  const db = t.db();
  const delivery = options.passwordDelivery ?? "manual";
  const account = await createAccount(db, {
    name: "Nina New",
    email: uniqueEmail("nina"),
    passwordIsTemporary: delivery !== "none",
    lastSignInAt: options.signedIn ? new Date() : null,
  });
  const membership = await addMember(db, actor.organizationId, account.id, {
    role: "administrator",
    status: "invited",
  });
  const [email] = await db
    .insert(emailOutbox)
    .values({
      organizationId: actor.organizationId,
      template: "invitation",
      locale: "en",
      toAddress: account.email,
      payload: {},
      secretCiphertext: "sealed",
    })
    .returning();
  const [invitation] = await db
    .insert(invitations)
    .values({
      organizationId: actor.organizationId,
      accountId: account.id,
      membershipId: membership.id,
      email: account.email,
      emailNormalized: account.emailNormalized,
      role: "administrator",
      invitedByAccountId: actor.accountId,
      keyHash: "b".repeat(64),
      expiresAt: options.expiresAt ?? new Date(Date.now() + 7 * DAY),
      locale: "en",
      passwordDelivery: delivery,
      lastEmailId: email!.id,
    })
    .returning();
  if (delivery !== "none")
    await db.update(accounts).set({ createdByInvitationId: invitation!.id }).where(eq(accounts.id, account.id));
  return { account, membership, invitation: invitation!, emailId: email!.id };
}

describe("editing a member", () => {
  it("changes role, enabled, expiry and tags at once, audited with what changed", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db());
    const { membership: m } = await memberOf(org.id, { role: "user" });
    const expiry = future(10);
    await updateMember(
      actor,
      edit(m.id, { role: "administrator", enabled: false, accessExpiresAt: expiry, tags: ["privileged", "external"] }),
    );
    expect(await membership(m.id)).toMatchObject({
      role: "administrator",
      status: "disabled",
      accessExpiresAt: new Date(`${expiry}T23:59:59.999Z`),
      tags: ["external", "privileged"],
    });
    const event = await lastAudit(org.id);
    expect(event).toMatchObject({ action: "member.updated", targetId: m.id, actorAccountId: actor.accountId });
    expect(Object.keys((event!.details as { changes: object }).changes).sort()).toEqual([
      "accessExpiresAt",
      "role",
      "status",
      "tags",
    ]);
  });

  it("refuses Privileged without an access expiry, and an expiry in the past, as field errors", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db());
    const { membership: m } = await memberOf(org.id, { role: "user" });
    await expectRefused(
      () => updateMember(actor, edit(m.id, { role: "user", tags: ["privileged"] })),
      "users.privilegedNeedsExpiry",
      "accessExpiresAt",
    );
    await expectRefused(
      () => updateMember(actor, edit(m.id, { role: "user", accessExpiresAt: "2020-01-01" })),
      "users.expiryInPast",
      "accessExpiresAt",
    );
  });

  it("keeps the owner an enabled administrator without expiry", async () => {
    const { org, membership: owner } = await createOrganizationWithOwner(t.db());
    const { actor } = await memberOf(org.id);
    await expectRefused(
      () => updateMember(actor, edit(owner.id, { role: "user" })),
      "users.ownerStaysAdministrator",
      "role",
    );
    await expectRefused(
      () => updateMember(actor, edit(owner.id, { enabled: false })),
      "users.ownerStaysEnabled",
      "enabled",
    );
    await expectRefused(
      () => updateMember(actor, edit(owner.id, { accessExpiresAt: future(3) })),
      "users.ownerHasNoExpiry",
      "accessExpiresAt",
    );
  });

  it("never leaves the organization without an active administrator", async () => {
    // No owner to fall back on (a state written directly): the guard alone has to hold.
    const org = await createOrganization(t.db(), "Ownerless");
    const { membership: last, actor } = await memberOf(org.id);
    const { membership: user } = await memberOf(org.id, { role: "user" });
    await expectRefused(() => updateMember(actor, edit(last.id, { role: "user" })), "users.lastAdministrator");
    await expectRefused(() => updateMember(actor, edit(last.id, { enabled: false })), "users.lastAdministrator");
    // An administrator whose access has ended does not count.
    await memberOf(org.id, { accessExpiresAt: new Date(Date.now() - 1000) });
    await expectRefused(() => updateMember(actor, edit(last.id, { role: "user" })), "users.lastAdministrator");
    // Once another one can act, the change goes through.
    await updateMember(actor, edit(user.id, { role: "administrator" }));
    await updateMember(actor, edit(last.id, { role: "user" }));
    expect((await membership(last.id))?.role).toBe("user");
  });

  it("refuses an invited person: their row offers the invitation's actions", async () => {
    const { actor } = await createOrganizationWithOwner(t.db());
    const { membership: m } = await invited(actor);
    await expectRefused(() => updateMember(actor, edit(m.id)), "users.notJoinedYet");
  });
});

describe("deleting a member", () => {
  it("removes the membership at once, keeps the account, and is audited", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db());
    const { membership: m, account } = await memberOf(org.id, { role: "user", name: "Gone Soon" });
    await removeMember(actor, { membershipId: m.id });
    expect(await membership(m.id)).toBeUndefined();
    expect(await t.db().$count(accounts, eq(accounts.id, account.id))).toBe(1);
    expect(await lastAudit(org.id)).toMatchObject({
      action: "member.removed",
      targetId: m.id,
      targetLabel: account.email,
    });
  });

  it("never yourself, never the owner", async () => {
    const { org, membership: owner } = await createOrganizationWithOwner(t.db());
    const { membership: me, actor } = await memberOf(org.id);
    await expectRefused(() => removeMember(actor, { membershipId: me.id }), "users.cannotDeleteSelf");
    await expectRefused(() => removeMember(actor, { membershipId: owner.id }), "users.cannotDeleteOwner");
  });
});

describe("setting the owner", () => {
  it("moves the crown to an active administrator; the former owner stays an administrator", async () => {
    const { org, actor, membership: owner } = await createOrganizationWithOwner(t.db());
    const { membership: next } = await memberOf(org.id);
    await transferOwnership(actor, { membershipId: next.id });
    expect(await membership(next.id)).toMatchObject({ isOwner: true, role: "administrator", status: "active" });
    expect(await membership(owner.id)).toMatchObject({ isOwner: false, role: "administrator", status: "active" });
    expect(await lastAudit(org.id)).toMatchObject({ action: "member.ownership_transferred", targetId: next.id });
    expect(
      await t.db().$count(memberships, and(eq(memberships.organizationId, org.id), eq(memberships.isOwner, true))),
    ).toBe(1);
  });

  it("only by the owner, only to an active administrator", async () => {
    const { org, membership: owner, actor: ownerActor } = await createOrganizationWithOwner(t.db());
    const { actor: admin } = await memberOf(org.id);
    const { membership: user } = await memberOf(org.id, { role: "user" });
    const { membership: disabled } = await memberOf(org.id, { status: "disabled" });
    const { membership: other } = await memberOf(org.id);
    await expectRefused(() => transferOwnership(admin, { membershipId: other.id }), "users.onlyOwnerTransfers");
    await expectRefused(
      () => transferOwnership(ownerActor, { membershipId: user.id }),
      "users.ownerMustBeActiveAdministrator",
    );
    await expectRefused(
      () => transferOwnership(ownerActor, { membershipId: disabled.id }),
      "users.ownerMustBeActiveAdministrator",
    );
    await expectRefused(() => transferOwnership(ownerActor, { membershipId: owner.id }), "users.alreadyOwner");
    const { membership: invitedOne } = await invited(ownerActor);
    await expectRefused(
      () => transferOwnership(ownerActor, { membershipId: invitedOne.id }),
      "users.ownerMustBeActiveAdministrator",
    );
  });
});

describe("an id from another organization", () => {
  it("is not found by any action, and nothing changes", async () => {
    const mine = await createOrganizationWithOwner(t.db(), "Mine");
    const theirs = await createOrganizationWithOwner(t.db(), "Theirs");
    const { membership: foreign } = await memberOf(theirs.org.id, { role: "user" });
    const { invitation } = await invited(theirs.actor);
    await expectRefused(() => updateMember(mine.actor, edit(foreign.id, { role: "administrator" })), "notFound");
    await expectRefused(() => removeMember(mine.actor, { membershipId: foreign.id }), "notFound");
    await expectRefused(() => transferOwnership(mine.actor, { membershipId: theirs.membership.id }), "notFound");
    await expectRefused(() => reinvite(mine.actor, { invitationId: invitation.id }), "notFound");
    await expectRefused(() => cancelInvitation(mine.actor, { invitationId: invitation.id }), "notFound");
    const [unchanged] = await t.db().select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(unchanged).toMatchObject({ status: "pending", keyHash: "b".repeat(64), sendCount: 1 });
  });

  it("a member without the permission is refused before anything is read", async () => {
    const { org, actor: owner } = await createOrganizationWithOwner(t.db());
    const { actor: user } = await memberOf(org.id, { role: "user" });
    const { invitation } = await invited(owner);
    const refusals = [
      () => updateMember(user, edit(owner.membershipId)),
      () => removeMember(user, { membershipId: owner.membershipId }),
      () => transferOwnership(user, { membershipId: owner.membershipId }),
    ];
    for (const call of refusals) {
      const { result: error, queries } = await queryCounter.count(() => domainError(call()));
      expect(error.code).toBe("forbidden");
      expect(queries).toBe(0);
    }
    await expectRefused(() => cancelInvitation(user, { invitationId: invitation.id }), "forbidden");
    // Positive control: the same counter sees the queries of a permitted call.
    const { queries } = await queryCounter.count(() => removeMember(owner, { membershipId: user.membershipId }));
    expect(queries).toBeGreaterThan(0);
  });
});

describe("administrators acting at the same moment", () => {
  it.each([1, 2, 3, 4, 5])(
    "two demotions of the last two administrators: one succeeds, one is refused (round %i)",
    async () => {
      // Ownerless (written directly) so that only the guard stands between the organization and zero administrators.
      const org = await createOrganization(t.db(), "Race");
      const a = await memberOf(org.id, { name: "Ann" });
      const b = await memberOf(org.id, { name: "Bob" });
      const results = await Promise.allSettled([
        updateMember(a.actor, edit(b.membership.id, { role: "user" })),
        updateMember(b.actor, edit(a.membership.id, { role: "user" })),
      ]);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(refused).toHaveLength(1);
      // A deadlock or a constraint error would not be a DomainError: the refusal is a clear message.
      expect(refused[0]!.reason).toBeInstanceOf(DomainError);
      expect(["users.lastAdministrator", "forbidden"]).toContain((refused[0]!.reason as DomainError).code);
      const admins = await t
        .db()
        .select()
        .from(memberships)
        .where(and(eq(memberships.organizationId, org.id), eq(memberships.role, "administrator")));
      expect(admins).toHaveLength(1);
      expect(
        (await t.db().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).map((e) => e.action),
      ).toEqual(["member.updated"]);
    },
  );

  it("two administrators deleting each other: one succeeds, the other is refused", async () => {
    const { org } = await createOrganizationWithOwner(t.db(), "Duel");
    const a = await memberOf(org.id, { name: "Ann" });
    const b = await memberOf(org.id, { name: "Bob" });
    const results = await Promise.allSettled([
      removeMember(a.actor, { membershipId: b.membership.id }),
      removeMember(b.actor, { membershipId: a.membership.id }),
    ]);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(1);
    expect((refused[0]!.reason as DomainError).code).toBe("forbidden");
    expect(await t.db().$count(memberships, eq(memberships.organizationId, org.id))).toBe(2);
  });

  // PGlite serves one statement at a time: only PostgreSQL can deadlock or interleave these calls.
  it.runIf(usingPostgres).each([1, 2, 3, 4])(
    "owner and two administrators transferring, demoting, re-promoting, disabling, removing each other at once: no deadlock, one owner (round %i, PostgreSQL)",
    async (round) => {
      const { org, actor: o, membership: om } = await createOrganizationWithOwner(t.db(), "Trio");
      const a = await memberOf(org.id, { name: "Ann" });
      const b = await memberOf(org.id, { name: "Bob" });
      const volley: (() => Promise<unknown>)[] = [
        () => transferOwnership(o, { membershipId: a.membership.id }),
        () => updateMember(o, edit(a.membership.id, { role: "user" })),
        () => updateMember(o, edit(b.membership.id, { enabled: false })),
        () => updateMember(a.actor, edit(b.membership.id, { role: "user" })),
        () => transferOwnership(a.actor, { membershipId: b.membership.id }),
        () => updateMember(a.actor, edit(om.id, { role: "user" })),
        () => removeMember(a.actor, { membershipId: om.id }),
        () => updateMember(b.actor, edit(a.membership.id, { role: "user" })),
        () => removeMember(b.actor, { membershipId: a.membership.id }),
        // Keeps Ann an administrator (promotes her back if she was demoted) with an expiry.
        () => updateMember(b.actor, edit(a.membership.id, { accessExpiresAt: future(2) })),
        () => updateMember(b.actor, edit(om.id, { enabled: false })),
        () => transferOwnership(b.actor, { membershipId: a.membership.id }),
      ];
      const order = volley
        .map((call, i) => ({ call, at: (i * 7 + round * 5) % volley.length }))
        .sort((x, y) => x.at - y.at);
      const results = await Promise.allSettled(order.map(({ call }) => call()));
      // A deadlock or a constraint error would not be a DomainError.
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DomainError);
      const owners = await t
        .db()
        .select()
        .from(memberships)
        .where(and(eq(memberships.organizationId, org.id), eq(memberships.isOwner, true)));
      expect(owners).toHaveLength(1);
      expect(owners[0]).toMatchObject({ role: "administrator", status: "active", accessExpiresAt: null });
      const applied = await t.db().$count(auditEvents, eq(auditEvents.organizationId, org.id));
      expect(applied).toBeGreaterThan(0);
    },
  );

  it("an administrator promoted while a change waits for its locks: the next change does not deadlock with it", async () => {
    // Membership ids chosen so that Ann's row sorts first, then Olivia's, then Bob's.
    const org = await createOrganization(t.db(), "Order");
    const person = async (name: string, prefix: string, options: { isOwner?: boolean } = {}) => {
      const account = await createAccount(t.db(), { name });
      const [row] = await t
        .db()
        .insert(memberships)
        .values({
          id: prefix + randomUUID().slice(1),
          organizationId: org.id,
          accountId: account.id,
          role: "administrator",
          status: "active",
          isOwner: options.isOwner ?? false,
        })
        .returning();
      return { membership: row!, actor: await actorFor(t.db(), row!.id) };
    };
    const ann = await person("Ann", "0");
    const olivia = await person("Olivia", "e", { isOwner: true });
    const bob = await person("Bob", "f");
    // Ann was demoted; the request she sends now was authorized a moment before.
    await t.db().update(memberships).set({ role: "user" }).where(eq(memberships.id, ann.membership.id));

    let annChange: Promise<unknown>;
    let oliviaChange: Promise<unknown>;
    if (usingPostgres) {
      const waiting = async (n: number) => {
        for (;;) {
          const [row] = rowsOf<{ n: number }>(
            await t
              .db()
              .execute(
                sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
              ),
          );
          if ((row?.n ?? 0) >= n) return;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      // Bob's own transaction holds his row for a moment (as lockActor does when he sends an invitation).
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const bobs = t.db().transaction(async (tx) => {
        await tx
          .select({ id: memberships.id })
          .from(memberships)
          .where(eq(memberships.id, bob.membership.id))
          .for("share");
        locked();
        await held;
      });
      await holding;
      // Ann's change starts while she is not an administrator, and waits for Bob's row.
      annChange = updateMember(ann.actor, edit(bob.membership.id, { role: "user" }));
      await waiting(1);
      // Meanwhile Ann becomes an administrator again, and Olivia starts a change of her own.
      await t.db().update(memberships).set({ role: "administrator" }).where(eq(memberships.id, ann.membership.id));
      oliviaChange = updateMember(olivia.actor, edit(bob.membership.id, { enabled: false }));
      await waiting(2);
      release();
      await bobs;
    } else {
      // PGlite has one connection: the same changes run one after the other.
      annChange = updateMember(ann.actor, edit(bob.membership.id, { role: "user" })).catch((e: unknown) => e);
      await annChange;
      await t.db().update(memberships).set({ role: "administrator" }).where(eq(memberships.id, ann.membership.id));
      oliviaChange = updateMember(olivia.actor, edit(bob.membership.id, { enabled: false }));
    }
    const results = await Promise.allSettled([annChange, oliviaChange]);
    // A deadlock would not be a DomainError.
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DomainError);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(0);
  });

  it("a transfer of ownership racing a demotion of the new owner never leaves an owner who is not an administrator", async () => {
    const { org, actor: owner } = await createOrganizationWithOwner(t.db(), "Crown");
    const next = await memberOf(org.id, { name: "Nell" });
    const other = await memberOf(org.id, { name: "Otto" });
    const results = await Promise.allSettled([
      transferOwnership(owner, { membershipId: next.membership.id }),
      updateMember(other.actor, edit(next.membership.id, { role: "user" })),
    ]);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DomainError);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = await t
      .db()
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.id), eq(memberships.isOwner, true)));
    expect(owners).toHaveLength(1);
    expect(owners[0]).toMatchObject({ role: "administrator", status: "active" });
  });
});

describe("re-inviting", () => {
  it("issues a new key and expiry from the settings now, queues a new email, and hands over a new temporary password", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db());
    await t
      .db()
      .update(organizationSettings)
      .set({ invitationValidityDays: 3 })
      .where(eq(organizationSettings.organizationId, org.id));
    const { invitation, account, emailId } = await invited(actor, {
      passwordDelivery: "manual",
      expiresAt: new Date(Date.now() - DAY),
    });

    const result = await reinvite(actor, { invitationId: invitation.id, passwordDelivery: "manual" });
    expect(result.temporaryPassword).toMatch(/^[A-Za-z2-9]{16}$/);
    const [after] = await t.db().select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(after!.status).toBe("pending");
    expect(after!.sendCount).toBe(2);
    expect(after!.keyHash).not.toBe(invitation.keyHash);
    expect(Math.abs(after!.expiresAt.getTime() - (Date.now() + 3 * DAY))).toBeLessThan(60_000);
    expect(after!.lastEmailId).not.toBe(emailId);
    const [email] = await t.db().select().from(emailOutbox).where(eq(emailOutbox.id, after!.lastEmailId!));
    expect(email).toMatchObject({ status: "queued", template: "invitation", toAddress: account.email });
    const secret = JSON.parse(openSecret(email!.secretCiphertext!)) as { key: string; temporaryPassword?: string };
    expect(keyMatches(secret.key, after!.keyHash)).toBe(true);
    expect(secret.temporaryPassword).toBeUndefined();
    expect(email!.payload).toMatchObject({ variant: "new-without-password", invitationId: invitation.id });
    const [acct] = await t.db().select().from(accounts).where(eq(accounts.id, account.id));
    expect(acct!.passwordIsTemporary).toBe(true);
    expect(await verifyPassword(result.temporaryPassword!, acct!.passwordHash!)).toBe(true);
    expect(JSON.stringify(await lastAudit(org.id))).not.toContain(result.temporaryPassword!);
    expect(await lastAudit(org.id)).toMatchObject({ action: "invitation.resent", targetId: invitation.id });
  });

  it("sends the new temporary password in the email when that is how it is delivered, and never returns it", async () => {
    const { actor } = await createOrganizationWithOwner(t.db());
    const { invitation, account } = await invited(actor, { passwordDelivery: "email" });
    const result = await reinvite(actor, { invitationId: invitation.id, passwordDelivery: "email" });
    expect(result.temporaryPassword).toBeUndefined();
    const [after] = await t.db().select().from(invitations).where(eq(invitations.id, invitation.id));
    const [email] = await t.db().select().from(emailOutbox).where(eq(emailOutbox.id, after!.lastEmailId!));
    const secret = JSON.parse(openSecret(email!.secretCiphertext!)) as { temporaryPassword: string };
    const [acct] = await t.db().select().from(accounts).where(eq(accounts.id, account.id));
    expect(await verifyPassword(secret.temporaryPassword, acct!.passwordHash!)).toBe(true);
    expect(email!.payload).toMatchObject({ variant: "new-with-password" });
  });

  it("leaves an existing account's password alone", async () => {
    const { actor } = await createOrganizationWithOwner(t.db());
    const { invitation, account } = await invited(actor, { passwordDelivery: "none" });
    const result = await reinvite(actor, { invitationId: invitation.id });
    expect(result.temporaryPassword).toBeUndefined();
    const [acct] = await t.db().select().from(accounts).where(eq(accounts.id, account.id));
    expect(acct!.passwordHash).toBe(account.passwordHash);
  });

  it("counts a lapsed invitation against the cap of pending invitations: refused at the cap, sent below it", async () => {
    const db = t.db();
    const { actor, owner } = await createOrganizationWithOwner(db);
    const { invitation } = await invited(actor, { passwordDelivery: "none", expiresAt: new Date(Date.now() - DAY) });
    await db.update(invitations).set({ status: "expired" }).where(eq(invitations.id, invitation.id));
    await fillPendingInvitations(db, actor.organizationId, owner.id, INVITE_LIMITS.maxPendingPerOrganization);
    await expectRefused(() => reinvite(actor, { invitationId: invitation.id }), "invite-wizard.pendingCapReached");

    // Control: one place free, and the same re-send goes out.
    const [one] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(eq(invitations.organizationId, actor.organizationId), eq(invitations.status, "pending")))
      .limit(1);
    await db.update(invitations).set({ status: "revoked" }).where(eq(invitations.id, one!.id));
    await reinvite(actor, { invitationId: invitation.id });
    const [after] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(after!.status).toBe("pending");
  });

  it("refuses an invitation that was cancelled", async () => {
    const { actor } = await createOrganizationWithOwner(t.db());
    const { invitation } = await invited(actor, { passwordDelivery: "none" });
    await cancelInvitation(actor, { invitationId: invitation.id });
    await expectRefused(() => reinvite(actor, { invitationId: invitation.id }), "users.invitationClosed");
  });
});

describe("cancelling an invitation", () => {
  it("deletes an account created only for it and never used, so the address can be invited again", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db());
    const { invitation, account, membership: m, emailId } = await invited(actor, { passwordDelivery: "manual" });
    const result = await cancelInvitation(actor, { invitationId: invitation.id });
    expect(result.accountRemoved).toBe(true);
    expect(await t.db().$count(accounts, eq(accounts.id, account.id))).toBe(0);
    expect(await membership(m.id)).toBeUndefined();
    const [email] = await t.db().select().from(emailOutbox).where(eq(emailOutbox.id, emailId));
    expect(email).toMatchObject({ status: "failed", secretCiphertext: null });
    expect(await lastAudit(org.id)).toMatchObject({
      action: "invitation.revoked",
      targetId: invitation.id,
      targetLabel: account.email,
    });
    await createAccount(t.db(), { email: account.email });
  });

  it("revokes the key of an existing account's invitation and keeps the account", async () => {
    const { actor } = await createOrganizationWithOwner(t.db());
    const { invitation, account, membership: m } = await invited(actor, { passwordDelivery: "none", signedIn: true });
    expect((await cancelInvitation(actor, { invitationId: invitation.id })).accountRemoved).toBe(false);
    const [after] = await t.db().select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(after).toMatchObject({ status: "revoked" });
    expect(after!.revokedAt).toBeInstanceOf(Date);
    expect(await t.db().$count(accounts, eq(accounts.id, account.id))).toBe(1);
    expect(await membership(m.id)).toBeUndefined();
  });
});
