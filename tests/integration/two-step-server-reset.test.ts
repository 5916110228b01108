import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, emailOutbox, recoveryCodes, sessions, twoStepFactors } from "@/db/schema";
import { confirmTotpEnrollment, hasTwoStep, startTotpEnrollment } from "@/lib/two-step";
import { resetFactorsFromServer } from "@/lib/two-step/server-reset";
import { totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { withTestDatabase } from "../support/db";
import { addMember, createAccount, createOrganizationWithOwner, createSession } from "../support/factories";

const t = withTestDatabase();
const meta = { ip: "198.51.100.80", userAgent: "vitest server reset" };

async function enroll(account: { id: string; email: string; name: string; locale: "en" | "fr" | null }) {
  const started = await startTotpEnrollment(account, "Phone");
  const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
  const done = await confirmTotpEnrollment(
    account,
    { factorId: started.factorId, code: totpCodeAt(secret, totpStepAt()) },
    meta,
  );
  return { secret: started.secret, recoveryCodes: done.recoveryCodes ?? [] };
}

describe("npm run account:reset-factors (resetFactorsFromServer)", () => {
  it("removes the owner's factors and recovery codes, ends its sessions, audits it in each organization and emails it", async () => {
    const { org: first, owner } = await createOrganizationWithOwner(t.db(), "First");
    const { org: second } = await createOrganizationWithOwner(t.db(), "Second");
    await addMember(t.db(), second.id, owner.id, { role: "administrator" });
    const account = { id: owner.id, email: owner.email, name: owner.name, locale: owner.locale };
    const { secret, recoveryCodes: codes } = await enroll(account);
    await createSession(t.db(), owner.id);
    // Another account's factor is untouched (control).
    const other = await createAccount(t.db());
    await enroll({ id: other.id, email: other.email, name: other.name, locale: other.locale });

    const done = await resetFactorsFromServer(`  ${owner.email.toUpperCase()} `);
    expect(done).toEqual({
      email: owner.email,
      factorsRemoved: 1,
      recoveryCodesRemoved: 10,
      sessionsEnded: 1,
      organizations: expect.arrayContaining(["First", "Second"]),
    });
    // What the command prints comes from this result: nothing secret in it.
    const printed = JSON.stringify(done);
    for (const secretValue of [secret, ...codes]) expect(printed).not.toContain(secretValue);

    expect(await hasTwoStep(owner.id)).toBe(false);
    expect(await t.db().select().from(twoStepFactors).where(eq(twoStepFactors.accountId, owner.id))).toEqual([]);
    expect(await t.db().select().from(recoveryCodes).where(eq(recoveryCodes.accountId, owner.id))).toEqual([]);
    expect(
      await t
        .db()
        .select()
        .from(sessions)
        .where(and(eq(sessions.accountId, owner.id), isNull(sessions.revokedAt))),
    ).toEqual([]);
    expect(await hasTwoStep(other.id)).toBe(true);

    const events = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.two_step_reset"), eq(auditEvents.targetId, owner.id)));
    expect(events.map((e) => e.organizationId).sort()).toEqual([first.id, second.id].sort());
    expect(events[0]).toMatchObject({
      actorAccountId: null,
      userAgent: "account:reset-factors",
      details: { factorsRemoved: 1, resetBy: "server" },
    });
    const notices = await t.db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, owner.email));
    expect(notices.map((n) => (n.payload as { change?: string }).change)).toContain("factors-reset");
  });

  it("answers null for an address no account has, changing nothing", async () => {
    const before = await t.db().select().from(auditEvents);
    expect(await resetFactorsFromServer("nobody@example.com")).toBeNull();
    expect(await t.db().select().from(auditEvents)).toHaveLength(before.length);
  });
});
