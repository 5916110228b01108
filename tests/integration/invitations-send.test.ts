import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  accounts,
  auditEvents,
  emailOutbox,
  idempotencyRecords,
  invitations,
  memberships,
  rateLimits,
} from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
import { openSecret } from "@/lib/email/secret-box";
import { INVITE_LIMITS, inviteRateLimitKeys, sendInvitations, type SentInvitation } from "@/lib/invitations/create";
import { TEMPORARY_PASSWORD_ALPHABET } from "@/lib/security/tokens";
import { usingPostgres, withTestDatabase } from "../support/db";
import { violatedConstraint } from "../support/db-errors";
import {
  actorFor,
  addMember,
  countRows,
  createAccount,
  createOrganizationWithOwner,
  uniqueEmail,
} from "../support/factories";
import { expectDomainError, fillPendingInvitations, sendInput, setSettings } from "./invitations-support";

const t = withTestDatabase();

function sent(result: Awaited<ReturnType<typeof sendInvitations>>, index = 0): SentInvitation {
  const line = result.invitations[index];
  if (line?.outcome !== "sent") throw new Error(`line ${index} was not sent: ${JSON.stringify(line)}`);
  return line;
}

async function outboxSecret(invitationId: string) {
  const [invitation] = await t.db().select().from(invitations).where(eq(invitations.id, invitationId));
  const [email] = await t.db().select().from(emailOutbox).where(eq(emailOutbox.id, invitation!.lastEmailId!));
  return {
    email: email!,
    secret: JSON.parse(openSecret(email!.secretCiphertext!)) as { key: string; temporaryPassword?: string },
  };
}

/** Every row the invitation flow writes, as text: a plaintext password must appear in none. */
async function everythingStored(): Promise<string> {
  const db = t.db();
  const tables = [accounts, memberships, invitations, emailOutbox, auditEvents, idempotencyRecords];
  const rows = await Promise.all(tables.map((table) => db.select().from(table)));
  return JSON.stringify(rows);
}

describe("sendInvitations", () => {
  it("links an existing account: invited membership, hashed key, queued email, audit without secrets", async () => {
    const db = t.db();
    const { actor, org, owner } = await createOrganizationWithOwner(db, "Northwind");
    const invitee = await createAccount(db, { name: "Ada", locale: "fr" });
    const before = await countRows(db);
    const result = await sendInvitations(
      actor,
      sendInput(invitee.email, {
        options: {
          locale: "fr",
          personalMessage: "  Welcome aboard  ",
          accessExpiry: "2099-12-31",
          external: true,
          privileged: true,
        },
      }),
    );
    const line = sent(result);
    expect(line).toMatchObject({
      email: invitee.email,
      accountCreated: false,
      passwordDelivery: "none",
      replayed: false,
    });
    expect(line.temporaryPassword).toBeUndefined();

    const after = await countRows(db);
    const grown = Object.fromEntries(Object.entries(after).map(([table, n]) => [table, n - (before[table] ?? 0)]));
    expect(grown).toMatchObject({
      accounts: 0,
      invitations: 1,
      memberships: 1,
      email_outbox: 1,
      audit_events: 1,
      idempotency_records: 1,
    });

    const [membership] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, invitee.id)));
    expect(membership).toMatchObject({
      role: "administrator",
      status: "invited",
      tags: ["external", "privileged"],
      invitedByAccountId: owner.id,
    });
    expect(membership!.accessExpiresAt?.toISOString()).toBe("2099-12-31T23:59:59.999Z");

    const [invitation] = await db.select().from(invitations).where(eq(invitations.id, line.invitationId));
    expect(invitation).toMatchObject({
      status: "pending",
      locale: "fr",
      personalMessage: "Welcome aboard",
      passwordDelivery: "none",
      membershipId: membership!.id,
    });
    const days = (invitation!.expiresAt.getTime() - invitation!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);

    const { email, secret } = await outboxSecret(line.invitationId);
    expect(email).toMatchObject({ template: "invitation", locale: "fr", toAddress: invitee.email, status: "queued" });
    expect(email.payload).toMatchObject({
      variant: "existing",
      organizationName: "Northwind",
      inviterName: owner.name,
      personalMessage: "Welcome aboard",
    });
    expect(secret.temporaryPassword).toBeUndefined();
    expect(invitation!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invitation!.keyHash).not.toContain(secret.key);

    const [audit] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, line.invitationId));
    expect(audit).toMatchObject({ action: "invitation.created", actorAccountId: owner.id, ip: "203.0.113.7" });
    expect(audit!.details).toMatchObject({
      email: invitee.email,
      tags: ["external", "privileged"],
      locale: "fr",
      accountCreated: false,
    });
    expect(JSON.stringify(audit)).not.toContain(secret.key);
  });

  it("Send: creates the account with a temporary password that only the sealed email carries", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { temporaryPasswordPolicy: "send", invitationValidityDays: 3 });
    const address = uniqueEmail("New.Person");
    const line = sent(await sendInvitations(actor, sendInput(`  ${address} `)));
    expect(line).toMatchObject({ accountCreated: true, passwordDelivery: "email" });
    expect(line.temporaryPassword).toBeUndefined();
    expect(line.passwordSheetToken).toBeUndefined();

    const [account] = await db.select().from(accounts).where(eq(accounts.emailNormalized, address.toLowerCase()));
    expect(account).toMatchObject({
      email: address,
      passwordIsTemporary: true,
      createdByInvitationId: line.invitationId,
    });
    const { email, secret } = await outboxSecret(line.invitationId);
    expect(email.payload).toMatchObject({ variant: "new-with-password" });
    const password = secret.temporaryPassword!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect([...password].every((c) => TEMPORARY_PASSWORD_ALPHABET.includes(c))).toBe(true);
    expect(await verifyPassword(password, account!.passwordHash!)).toBe(true);
    expect(await everythingStored()).not.toContain(password);
    expect(new Date(line.expiresAt).getTime() - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
    expect(new Date(line.expiresAt).getTime() - Date.now()).toBeLessThan(3.1 * 86_400_000);
  });

  it("Not send: returns the password once with a sheet token, and stores it nowhere in the clear", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { temporaryPasswordPolicy: "not_send" });
    const line = sent(await sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "email" })));
    expect(line.passwordDelivery).toBe("manual");
    expect(line.temporaryPassword).toMatch(/^.{16,}$/);
    expect(line.passwordSheetToken).toBeTruthy();
    const { email, secret } = await outboxSecret(line.invitationId);
    expect(email.payload).toMatchObject({ variant: "new-without-password" });
    expect(secret.temporaryPassword).toBeUndefined();
    const stored = await everythingStored();
    expect(stored).not.toContain(line.temporaryPassword!);
    expect(stored).not.toContain(secret.key);
  });

  it("Ask: refuses without a choice, follows the choice, and the setting of the moment wins", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const before = await countRows(db);
    const refused = await sendInvitations(actor, sendInput(uniqueEmail()));
    expect(refused.invitations[0]).toMatchObject({ outcome: "failed", code: "invite-wizard.deliveryRequired" });
    expect(await countRows(db)).toEqual(before);

    expect(
      sent(await sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "manual" }))).passwordDelivery,
    ).toBe("manual");
    expect(
      sent(await sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "email" }))).passwordDelivery,
    ).toBe("email");

    // The wizard was answered under Ask; Send was chosen in the settings before Send Invite.
    await setSettings(db, org.id, { temporaryPasswordPolicy: "send" });
    expect(
      sent(await sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "manual" }))).passwordDelivery,
    ).toBe("email");
  });

  it("reports each address: sent ones go out, refused ones say why", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const member = await createAccount(db);
    await addMember(db, org.id, member.id);
    const fresh = uniqueEmail("fresh");
    const result = await sendInvitations(
      actor,
      sendInput(`${fresh}; ${member.email}, not-an-address, ${fresh.toUpperCase()}`, { passwordDelivery: "email" }),
    );
    expect(result.invitations.map((i) => [i.email, i.outcome === "sent" ? "sent" : i.code])).toEqual([
      [fresh, "sent"],
      [member.email, "invite-wizard.alreadyMember"],
      ["not-an-address", "invite-wizard.invalidAddress"],
    ]);
  });

  it("re-invites an address whose earlier invitation was cancelled, reusing its membership", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const invitee = await createAccount(db);
    const first = sent(await sendInvitations(actor, sendInput(invitee.email)));
    await db.update(invitations).set({ status: "revoked" }).where(eq(invitations.id, first.invitationId));
    const second = sent(await sendInvitations(actor, sendInput(invitee.email, { options: { external: true } })));
    expect(second.invitationId).not.toBe(first.invitationId);
    const rows = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, invitee.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "invited", tags: ["external"] });
  });

  it("leaves no row behind when any part of the transaction fails", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { temporaryPasswordPolicy: "send" });
    const before = await countRows(db);

    // The invitation insert fails (its message check) after the account, membership and email were written.
    const tooLong = sendInput(uniqueEmail(), { options: { personalMessage: "x".repeat(501) } });
    expect(violatedConstraint(await sendInvitations(actor, tooLong).catch((e: unknown) => e))).toBe(
      "invitations_personal_message_length",
    );
    expect(await countRows(db)).toEqual(before);

    // The very last write, the audit event, fails.
    await db.execute(
      sql`create function gatehouse_test_fail() returns trigger language plpgsql as $$ begin raise exception 'audit down'; end $$`,
    );
    await db.execute(
      sql`create trigger gatehouse_test_fail before insert on audit_events for each row execute function gatehouse_test_fail()`,
    );
    try {
      await expect(sendInvitations(actor, sendInput(uniqueEmail()))).rejects.toMatchObject({
        cause: { message: "audit down" },
      });
      expect(await countRows(db)).toEqual(before);
      const address = uniqueEmail();
      await expect(sendInvitations(actor, sendInput(address))).rejects.toMatchObject({
        cause: { message: "audit down" },
      });
      expect(await db.select().from(accounts).where(eq(accounts.emailNormalized, address))).toEqual([]);
    } finally {
      await db.execute(sql`drop trigger gatehouse_test_fail on audit_events`);
      await db.execute(sql`drop function gatehouse_test_fail()`);
    }
  });

  it("replays a repeated request: the first result, nothing more created, the password not revealed again", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { temporaryPasswordPolicy: "not_send" });
    const input = sendInput(`${uniqueEmail()}, ${uniqueEmail()}`);
    const first = await sendInvitations(actor, input);
    const afterFirst = await countRows(db);
    const [again, concurrent] = await Promise.all([sendInvitations(actor, input), sendInvitations(actor, input)]);
    for (const replay of [again, concurrent]) {
      expect(replay.invitations.map((i) => (i.outcome === "sent" ? i.invitationId : null))).toEqual(
        first.invitations.map((i) => (i.outcome === "sent" ? i.invitationId : null)),
      );
      for (const line of replay.invitations) {
        expect(line).toMatchObject({ outcome: "sent", replayed: true, passwordDelivery: "manual" });
        expect(line).not.toHaveProperty("temporaryPassword");
        expect(line).not.toHaveProperty("passwordSheetToken");
      }
    }
    expect(await countRows(db)).toEqual(afterFirst);

    const changed = await sendInvitations(actor, { ...input, options: { ...input.options, external: true } });
    expect(changed.invitations.map((i) => (i.outcome === "failed" ? i.code : i.outcome))).toEqual([
      "invite-wizard.idempotencyMismatch",
      "invite-wizard.idempotencyMismatch",
    ]);
    expect(await countRows(db)).toEqual(afterFirst);
  });

  // PGlite serves one statement at a time: only PostgreSQL runs these sends side by side.
  it.runIf(usingPostgres)(
    "20 concurrent sends of one address create one account and one invitation; the others hear 'already invited' (PostgreSQL)",
    async () => {
      const db = t.db();
      const { actor, org } = await createOrganizationWithOwner(db);
      const address = uniqueEmail("race");
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          sendInvitations(actor, sendInput(i % 2 ? address : address.toUpperCase(), { passwordDelivery: "email" })),
        ),
      );
      const lines = results.map((r) => r.invitations[0]!);
      expect(lines.filter((l) => l.outcome === "sent")).toHaveLength(1);
      expect(lines.filter((l) => l.outcome === "failed").map((l) => (l.outcome === "failed" ? l.code : ""))).toEqual(
        Array(19).fill("invite-wizard.alreadyInvited"),
      );
      expect(await db.select().from(accounts).where(eq(accounts.emailNormalized, address.toLowerCase()))).toHaveLength(
        1,
      );
      expect(
        await db
          .select()
          .from(invitations)
          .where(and(eq(invitations.organizationId, org.id), eq(invitations.emailNormalized, address.toLowerCase()))),
      ).toHaveLength(1);
      const [{ n } = { n: 0 }] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(emailOutbox)
        .where(sql`lower(${emailOutbox.toAddress}) = ${address.toLowerCase()}`);
      expect(n).toBe(1);
    },
  );

  it("two administrators inviting the same existing account at once: one invitation", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const second = await createAccount(db);
    const secondActor = await actorFor(db, (await addMember(db, org.id, second.id)).id);
    const invitee = await createAccount(db);
    const [a, b] = await Promise.all([
      sendInvitations(actor, sendInput(invitee.email)),
      sendInvitations(secondActor, sendInput(invitee.email)),
    ]);
    expect([a, b].map((r) => r.invitations[0]!.outcome).sort()).toEqual(["failed", "sent"]);
    expect(
      await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, invitee.id))),
    ).toHaveLength(1);
  });

  it("is refused to a user member, an actor of another organization and a disabled administrator, writing nothing", async () => {
    const db = t.db();
    const { org } = await createOrganizationWithOwner(db);
    const other = await createOrganizationWithOwner(db, "Other");
    const user = await createAccount(db);
    const userActor = await actorFor(db, (await addMember(db, org.id, user.id, { role: "user" })).id);
    const disabled = await createAccount(db);
    const disabledActor = await actorFor(db, (await addMember(db, org.id, disabled.id, { status: "disabled" })).id);
    const before = await countRows(db);
    const input = () => sendInput(uniqueEmail(), { passwordDelivery: "email" });
    await expectDomainError(sendInvitations(userActor, input()), "forbidden");
    await expectDomainError(sendInvitations({ ...userActor, role: "administrator" }, input()), "forbidden");
    await expectDomainError(
      sendInvitations({ ...other.actor, organizationId: org.id, organizationName: org.name }, input()),
      "forbidden",
    );
    await expectDomainError(sendInvitations(disabledActor, input()), "forbidden");
    expect(await countRows(db)).toEqual(before);
  });

  it("stops at the per-inviter and per-organization rate limits, with the time to wait", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const second = await createAccount(db);
    const secondActor = await actorFor(db, (await addMember(db, org.id, second.id)).id);
    const inviterKey = inviteRateLimitKeys.inviter(org.id, actor.accountId);
    await db
      .insert(rateLimits)
      .values({ key: inviterKey, windowStartedAt: new Date(), hits: INVITE_LIMITS.perInviter.limit });
    const before = await countRows(db);
    const limited = await sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "email" }));
    expect(limited.invitations[0]).toMatchObject({
      outcome: "failed",
      code: "invite-wizard.inviterRateLimited",
      params: { minutes: 60 },
    });
    expect(await countRows(db)).toEqual(before);
    // Another administrator of the organization is not held back by the first one's limit.
    sent(await sendInvitations(secondActor, sendInput(uniqueEmail(), { passwordDelivery: "email" })));

    await db
      .insert(rateLimits)
      .values({
        key: inviteRateLimitKeys.organization(org.id),
        windowStartedAt: new Date(),
        hits: INVITE_LIMITS.perOrganization.limit,
      })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: { hits: INVITE_LIMITS.perOrganization.limit, windowStartedAt: new Date() },
      });
    const orgLimited = await sendInvitations(secondActor, sendInput(uniqueEmail(), { passwordDelivery: "email" }));
    expect(orgLimited.invitations[0]).toMatchObject({
      outcome: "failed",
      code: "invite-wizard.organizationRateLimited",
    });
  });

  /** An organization `free` invitations short of the cap of pending invitations. */
  async function nearTheCap(free: number) {
    const db = t.db();
    const { actor, org, owner } = await createOrganizationWithOwner(db);
    await fillPendingInvitations(db, org.id, owner.id, INVITE_LIMITS.maxPendingPerOrganization - free);
    return { db, actor, org };
  }

  it("stops at the cap of pending invitations per organization", async () => {
    const { db, actor } = await nearTheCap(0);
    const before = await countRows(db);
    const capped = await sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "email" }));
    expect(capped.invitations[0]).toMatchObject({
      outcome: "failed",
      code: "invite-wizard.pendingCapReached",
      params: { max: INVITE_LIMITS.maxPendingPerOrganization },
    });
    expect(await countRows(db)).toEqual(before);
  });

  it.runIf(usingPostgres)("lets 40 parallel sends near the cap fill it exactly (PostgreSQL)", async () => {
    const { db, actor, org } = await nearTheCap(10);
    const results = await Promise.all(
      Array.from({ length: 40 }, async () =>
        sendInvitations(actor, sendInput((await createAccount(db)).email)).then((r) => r.invitations[0]),
      ),
    );
    expect(results.filter((r) => r?.outcome === "sent")).toHaveLength(10);
    expect(results.filter((r) => r?.outcome === "failed" && r.code === "invite-wizard.pendingCapReached")).toHaveLength(
      30,
    );
    const pending = await db
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(eq(invitations.organizationId, org.id), eq(invitations.status, "pending")));
    expect(pending).toHaveLength(INVITE_LIMITS.maxPendingPerOrganization);
  });
});
