import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/rows";
import { accounts, auditEvents, emailOutbox, invitations, memberships, rateLimits } from "@/db/schema";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import type { CurrentAccount } from "@/lib/auth/current";
import { verifyPassword } from "@/lib/auth/password";
import { DomainError } from "@/lib/errors";
import {
  acceptInvitation,
  checkInvitationKey,
  completeNewAccount,
  declineInvitation,
  INVITATION_ATTEMPT_LIMITS,
  verifyTemporaryPassword,
  viewInvitation,
} from "@/lib/invitations/accept";
import { withTestDatabase } from "../support/db";
import { countRows, createAccount, createOrganizationWithOwner, uniqueEmail } from "../support/factories";
import { createTestInvitation, replaceInvitationKey } from "../support/invitation-factories";

const t = withTestDatabase();
let ipCounter = 0;
/** Each test its own address, so that per-IP counters of one test do not leak into another. */
const freshMeta = () => ({ ip: `198.51.100.${++ipCounter}`, userAgent: "vitest" });
const NEW_PASSWORD = "violet kayak under the north bridge";

function current(account: { id: string; email: string; name: string; passwordIsTemporary?: boolean }): CurrentAccount {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    locale: null,
    passwordIsTemporary: account.passwordIsTemporary ?? false,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

/** Every table's row count plus the rate-limit counters: a read must leave all of it alone. */
async function snapshot() {
  const db = t.db();
  const limits = rowsOf<{ key: string; hits: number }>(
    await db.execute(sql`select key, hits from rate_limits order by key`),
  );
  return {
    counts: await countRows(db),
    limits,
    invitations: await db.select().from(invitations).orderBy(invitations.id),
    memberships: await db.select().from(memberships).orderBy(memberships.id),
  };
}

async function setup(kind: "new" | "existing", overrides: Partial<Parameters<typeof createTestInvitation>[1]> = {}) {
  const db = t.db();
  const { org, owner } = await createOrganizationWithOwner(db, "Umbrella");
  const existing =
    kind === "existing" ? await createAccount(db, { name: "Erin Existing", email: uniqueEmail("erin") }) : undefined;
  const created = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    kind,
    account: existing,
    ...overrides,
  });
  return { org, owner, ...created };
}

describe("viewing an invitation (what GET and HEAD do)", () => {
  it("shows a pending invitation's details to the holder of the key, and writes nothing", async () => {
    const { org, owner, invitation, key } = await setup("new");
    const before = await snapshot();
    const view = await viewInvitation(invitation.id, key, freshMeta());
    expect(view).toMatchObject({
      state: "pending",
      invitation: {
        organizationName: org.name,
        inviterName: owner.name,
        inviterEmail: owner.email,
        role: "administrator",
        email: invitation.email,
        accountKind: "new",
        minPasswordLength: 12,
      },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("tells an existing account from a new one", async () => {
    const { invitation, key } = await setup("existing");
    expect(await viewInvitation(invitation.id, key, freshMeta())).toMatchObject({
      state: "pending",
      invitation: { accountKind: "existing" },
    });
  });

  it("says which state a closed invitation is in, and nothing else", async () => {
    const expired = await setup("new", { expiresAt: new Date(Date.now() - 1000) });
    const revoked = await setup("existing", { status: "revoked" });
    const accepted = await setup("existing", { status: "accepted" });
    const declined = await setup("existing", { status: "declined" });
    const markedExpired = await setup("existing", { status: "expired" });
    const before = await snapshot();
    expect(await viewInvitation(expired.invitation.id, expired.key, freshMeta())).toEqual({ state: "expired" });
    expect(await viewInvitation(markedExpired.invitation.id, markedExpired.key, freshMeta())).toEqual({
      state: "expired",
    });
    expect(await viewInvitation(revoked.invitation.id, revoked.key, freshMeta())).toEqual({ state: "revoked" });
    expect(await viewInvitation(accepted.invitation.id, accepted.key, freshMeta())).toEqual({ state: "accepted" });
    expect(await viewInvitation(declined.invitation.id, declined.key, freshMeta())).toEqual({ state: "declined" });
    expect(await snapshot()).toEqual(before);
  });

  it("answers a wrong key, an unknown ID and a malformed ID alike, without counting them", async () => {
    const { invitation, key } = await setup("existing");
    const before = await snapshot();
    const meta = freshMeta();
    for (let i = 0; i < INVITATION_ATTEMPT_LIMITS.perInvitation.limit + 2; i++) {
      expect(await viewInvitation(invitation.id, `${key}x`, meta)).toEqual({ state: "invalid", retryInMinutes: null });
    }
    expect(await viewInvitation(crypto.randomUUID(), key, meta)).toEqual({ state: "invalid", retryInMinutes: null });
    expect(await viewInvitation("not-a-uuid", key, meta)).toEqual({ state: "invalid", retryInMinutes: null });
    expect(await snapshot()).toEqual(before);
    expect(await viewInvitation(invitation.id, key, meta)).toMatchObject({ state: "pending" });
  });

  it("makes a re-invited invitation's old key useless", async () => {
    const { invitation, key } = await setup("new");
    const newKey = await replaceInvitationKey(t.db(), invitation.id);
    expect(await viewInvitation(invitation.id, key, freshMeta())).toMatchObject({ state: "invalid" });
    expect(await viewInvitation(invitation.id, newKey, freshMeta())).toMatchObject({ state: "pending" });
  });
});

describe("an existing account accepts", () => {
  it("signed in as the invited address: active membership, accepted invitation, audit, and the inviter's email", async () => {
    const db = t.db();
    const { org, owner, invitation, key, account, membership } = await setup("existing");
    const result = await acceptInvitation(current(account), { invitationId: invitation.id, key }, freshMeta());
    expect(result).toEqual({ organizationSlug: org.slug });

    const [m] = await db.select().from(memberships).where(eq(memberships.id, membership.id));
    expect(m).toMatchObject({ status: "active", role: "administrator" });
    expect(m?.joinedAt).toBeInstanceOf(Date);
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(inv).toMatchObject({ status: "accepted", membershipId: membership.id });
    expect(inv?.acceptedAt).toBeInstanceOf(Date);

    const audit = await db.select().from(auditEvents).where(eq(auditEvents.targetId, invitation.id));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "invitation.accepted",
      organizationId: org.id,
      actorAccountId: account.id,
      details: { role: "administrator", newAccount: false },
    });
    const mail = await db.select().from(emailOutbox).where(eq(emailOutbox.template, "invitation-accepted"));
    expect(mail.filter((e) => e.toAddress === owner.email)).toHaveLength(1);
    expect(mail.find((e) => e.toAddress === owner.email)?.payload).toMatchObject({
      organizationName: org.name,
      inviteeEmail: account.email,
    });

    expect(await codeOf(acceptInvitation(current(account), { invitationId: invitation.id, key }, freshMeta()))).toBe(
      "invite.alreadyAccepted",
    );
  });

  it("signed in as someone else: refused, nothing changed", async () => {
    const { invitation, key } = await setup("existing");
    const stranger = await createAccount(t.db(), { email: uniqueEmail("stranger") });
    const before = await countRows(t.db());
    expect(await codeOf(acceptInvitation(current(stranger), { invitationId: invitation.id, key }, freshMeta()))).toBe(
      "invite.otherAccount",
    );
    expect(await countRows(t.db())).toEqual(before);
    expect(await viewInvitation(invitation.id, key, freshMeta())).toMatchObject({ state: "pending" });
  });

  it.each([
    ["expired", { expiresAt: new Date(Date.now() - 1000) }, "invite.expired"],
    ["cancelled", { status: "revoked" as const }, "invite.revoked"],
    ["declined", { status: "declined" as const }, "invite.declined"],
    ["accepted", { status: "accepted" as const }, "invite.alreadyAccepted"],
  ])("refuses an invitation that is %s; nothing changes", async (_name, overrides, code) => {
    const { invitation, key, account } = await setup("existing", overrides);
    const before = await snapshot();
    expect(await codeOf(acceptInvitation(current(account), { invitationId: invitation.id, key }, freshMeta()))).toBe(
      code,
    );
    expect(await snapshot()).toEqual(before);
  });

  it("a wrong key is refused and only counted", async () => {
    const { invitation, key, account } = await setup("existing");
    const before = await countRows(t.db());
    expect(
      await codeOf(acceptInvitation(current(account), { invitationId: invitation.id, key: key.slice(1) }, freshMeta())),
    ).toBe("invite.wrongKey");
    expect(await countRows(t.db())).toEqual(before);
    const [counter] = await t
      .db()
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `invite:attempts:${invitation.id}`));
    expect(counter?.hits).toBe(1);
  });

  it("declines: the invitation is declined, the invited membership gone, the inviter told", async () => {
    const db = t.db();
    const { org, owner, invitation, key, account } = await setup("existing");
    await declineInvitation(current(account), { invitationId: invitation.id, key }, freshMeta());
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(inv?.status).toBe("declined");
    expect(
      await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, account.id))),
    ).toEqual([]);
    const mail = await db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.template, "invitation-declined"), eq(emailOutbox.toAddress, owner.email)));
    expect(mail).toHaveLength(1);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.targetId, invitation.id));
    expect(audit.map((a) => a.action)).toEqual(["invitation.declined"]);
    expect(await viewInvitation(invitation.id, key, freshMeta())).toEqual({ state: "declined" });
  });

  it("the same invitation accepted twice at once: one membership, the second sees already accepted", async () => {
    const db = t.db();
    const { org, invitation, key, account } = await setup("existing");
    const results = await Promise.allSettled([
      acceptInvitation(current(account), { invitationId: invitation.id, key }, freshMeta()),
      acceptInvitation(current(account), { invitationId: invitation.id, key }, freshMeta()),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect((rejected[0]!.reason as DomainError).code).toBe("invite.alreadyAccepted");
    const rows = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, account.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("active");
    expect(
      await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, invitation.id), eq(auditEvents.action, "invitation.accepted"))),
    ).toHaveLength(1);
  });
});

describe("a new account accepts with its temporary password", () => {
  it("Continue checks the temporary password and changes nothing", async () => {
    const { invitation, key, temporaryPassword } = await setup("new");
    const before = await snapshot();
    await expect(
      verifyTemporaryPassword({ invitationId: invitation.id, key, temporaryPassword: temporaryPassword! }, freshMeta()),
    ).resolves.toEqual({ ok: true });
    expect(await snapshot()).toEqual(before);
    expect(
      await codeOf(
        verifyTemporaryPassword({ invitationId: invitation.id, key, temporaryPassword: "not it" }, freshMeta()),
      ),
    ).toBe("invite.wrongTemporaryPassword");
  });

  it("Update Password: new password, other sessions ended, invitation accepted, member active, inviter told", async () => {
    const db = t.db();
    const { org, owner, invitation, key, temporaryPassword, account, membership } = await setup("new");
    const result = await completeNewAccount(
      {
        invitationId: invitation.id,
        key,
        temporaryPassword: temporaryPassword!,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
      freshMeta(),
    );
    expect(result).toEqual({ accountId: account.id, sessionVersion: 2, organizationSlug: org.slug });

    const [after] = await db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(after).toMatchObject({ passwordIsTemporary: false, createdByInvitationId: null, sessionVersion: 2 });
    expect(await verifyPassword(NEW_PASSWORD, after!.passwordHash!)).toBe(true);
    expect(await verifyPassword(temporaryPassword!, after!.passwordHash!)).toBe(false);
    const [m] = await db.select().from(memberships).where(eq(memberships.id, membership.id));
    expect(m?.status).toBe("active");
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(inv?.status).toBe("accepted");

    const audit = await db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["account.password_changed", "invitation.accepted"]);
    const mail = await db
      .select()
      .from(emailOutbox)
      .where(sql`${emailOutbox.toAddress} in (${owner.email}, ${account.email})`);
    expect(mail.map((e) => `${e.template}→${e.toAddress}`).sort()).toEqual(
      [`invitation-accepted→${owner.email}`, `password-changed→${account.email}`].sort(),
    );

    expect(
      await codeOf(authenticateWithPassword({ email: account.email, password: temporaryPassword! }, freshMeta())),
    ).toBe("invalidCredentials");
    await expect(
      authenticateWithPassword({ email: account.email, password: NEW_PASSWORD }, freshMeta()),
    ).resolves.toMatchObject({ passwordIsTemporary: false });
    expect(await viewInvitation(invitation.id, key, freshMeta())).toEqual({ state: "accepted" });
  });

  it.each([
    ["shorter than the organization's minimum", "short but ok 1", "password.tooShort"],
    ["longer than 128 characters", "x".repeat(129), "password.tooLong"],
    ["from the common list, whatever its case", "PasswordPassword", "password.common"],
  ])("refuses a password %s, nothing changed", async (_name, password, code) => {
    const { invitation, key, temporaryPassword, org } = await setup("new");
    await t
      .db()
      .execute(sql`update organization_settings set min_password_length = 16 where organization_id = ${org.id}`);
    const before = await snapshot();
    const error = await completeNewAccount(
      {
        invitationId: invitation.id,
        key,
        temporaryPassword: temporaryPassword!,
        newPassword: password,
        confirmPassword: password,
      },
      freshMeta(),
    ).catch((e: DomainError) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).options.field).toBe("newPassword");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the temporary password as the new one", async () => {
    const { invitation, key, temporaryPassword } = await setup("new");
    expect(
      await codeOf(
        completeNewAccount(
          {
            invitationId: invitation.id,
            key,
            temporaryPassword: temporaryPassword!,
            newPassword: temporaryPassword!,
            confirmPassword: temporaryPassword!,
          },
          freshMeta(),
        ),
      ),
    ).toBe("password.sameAsTemporary");
  });

  it("refuses a wrong temporary password at Update Password too", async () => {
    const { invitation, key } = await setup("new");
    const before = await countRows(t.db());
    expect(
      await codeOf(
        completeNewAccount(
          {
            invitationId: invitation.id,
            key,
            temporaryPassword: "guess",
            newPassword: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
          },
          freshMeta(),
        ),
      ),
    ).toBe("invite.wrongTemporaryPassword");
    expect(await countRows(t.db())).toEqual(before);
  });

  it("the temporary password signs in only while the invitation is pending", async () => {
    const { invitation, account, temporaryPassword } = await setup("new");
    await expect(
      authenticateWithPassword({ email: account.email, password: temporaryPassword! }, freshMeta()),
    ).resolves.toMatchObject({ passwordIsTemporary: true });
    await t.db().update(invitations).set({ status: "revoked" }).where(eq(invitations.id, invitation.id));
    expect(
      await codeOf(authenticateWithPassword({ email: account.email, password: temporaryPassword! }, freshMeta())),
    ).toBe("invalidCredentials");
  });

  it("two Update Password at once: one acceptance, the other sees already accepted", async () => {
    const db = t.db();
    const { invitation, key, temporaryPassword, account } = await setup("new");
    const input = {
      invitationId: invitation.id,
      key,
      temporaryPassword: temporaryPassword!,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    };
    const results = await Promise.allSettled([
      completeNewAccount(input, freshMeta()),
      completeNewAccount(input, freshMeta()),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect((rejected?.reason as DomainError).code).toBe("invite.alreadyAccepted");
    const [after] = await db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(after?.sessionVersion).toBe(2);
  });
});

describe("wrong keys and temporary passwords are limited", () => {
  it("per invitation: past the limit even the right key waits, and the audit says so once", async () => {
    const db = t.db();
    const { invitation, key, account, org } = await setup("existing");
    const { limit } = INVITATION_ATTEMPT_LIMITS.perInvitation;
    for (let i = 0; i < limit; i++) {
      // A new address each time: only the per-invitation counter adds up.
      expect(await codeOf(checkInvitationKey({ invitationId: invitation.id, key: `wrong-${i}` }, freshMeta()))).toBe(
        "invite.wrongKey",
      );
    }
    const error = await acceptInvitation(current(account), { invitationId: invitation.id, key }, freshMeta()).catch(
      (e: DomainError) => e,
    );
    expect((error as DomainError).code).toBe("invite.tooManyAttempts");
    expect((error as DomainError).options.params?.minutes).toBe(15);
    const exceeded = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, "invitation.attempts_exceeded")));
    expect(exceeded).toHaveLength(1);
    expect(exceeded[0]).toMatchObject({
      targetId: invitation.id,
      details: { limits: ["invitation"], lastAttempt: "key" },
    });
    expect(await viewInvitation(invitation.id, "still-wrong", freshMeta())).toEqual({
      state: "invalid",
      retryInMinutes: 15,
    });
  });

  it("per IP, across invitations, wrong temporary passwords included", async () => {
    const meta = freshMeta();
    const { limit } = INVITATION_ATTEMPT_LIMITS.perIp;
    const target = await setup("new");
    for (let i = 0; i < limit; i++) {
      if (i % 2) {
        expect(await codeOf(checkInvitationKey({ invitationId: crypto.randomUUID(), key: "nope" }, meta))).toBe(
          "invite.wrongKey",
        );
      } else {
        const other = await setup("new");
        expect(
          await codeOf(
            verifyTemporaryPassword(
              { invitationId: other.invitation.id, key: other.key, temporaryPassword: "nope" },
              meta,
            ),
          ),
        ).toBe("invite.wrongTemporaryPassword");
      }
    }
    const input = { invitationId: target.invitation.id, key: target.key, temporaryPassword: target.temporaryPassword! };
    expect(await codeOf(verifyTemporaryPassword(input, meta))).toBe("invite.tooManyAttempts");
    await expect(verifyTemporaryPassword(input, freshMeta())).resolves.toEqual({ ok: true });
  });
});
