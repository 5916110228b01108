import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryCounter } from "@/db/query-counter";
import { memberships, rateLimits } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { LOOKUP_LIMIT, lookupInvitee, publicLookup, resolveAddresses } from "@/lib/invitations/lookup";
import { sendInvitations } from "@/lib/invitations/create";
import { peekRateLimit } from "@/lib/security/rate-limit";
import { readSettings } from "@/lib/settings/read";
import { splitAddresses } from "@/lib/validations/invitations";
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
import { createTestInvitation } from "../support/invitation-factories";
import { expectDomainError, sendInput, setSettings } from "./invitations-support";

const t = withTestDatabase();

describe("lookupInvitee", () => {
  it("names an existing account that shares an organization with the inviter, and the organization it will join", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db, "Northwind");
    const account = await createAccount(db, { name: "Ada Lovelace", locale: "fr" });
    const shared = await createOrganization(db, "Shared");
    await addMember(db, shared.id, actor.accountId, { role: "user" });
    await addMember(db, shared.id, account.id, { role: "user" });
    const result = await lookupInvitee(actor, { emails: `  ${account.email.toUpperCase()} ` });
    expect(result.organizationName).toBe("Northwind");
    expect(result.addresses).toEqual([
      { email: account.email.toUpperCase(), outcome: "existing", accountName: "Ada Lovelace", accountLocale: "fr" },
    ]);
  });

  it("says an account will be created for an unknown address, with the password policy of the moment", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const email = uniqueEmail("new");
    expect(await lookupInvitee(actor, { emails: email })).toMatchObject({
      passwordPolicy: "ask",
      defaultLocale: "en",
      addresses: [{ email, outcome: "new" }],
    });
    await setSettings(db, org.id, { temporaryPasswordPolicy: "not_send", defaultLocale: "fr" });
    expect(await lookupInvitee(actor, { emails: email })).toMatchObject({
      passwordPolicy: "not_send",
      defaultLocale: "fr",
    });
  });

  it("refuses active and disabled members", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const active = await createAccount(db);
    const disabled = await createAccount(db);
    await addMember(db, org.id, active.id, { role: "user" });
    await addMember(db, org.id, disabled.id, { status: "disabled" });
    const result = await lookupInvitee(actor, { emails: `${active.email}, ${disabled.email}, ${actor.email}` });
    expect(result.addresses.map((a) => a.outcome)).toEqual(["member", "member", "member"]);
  });

  it("points to the pending invitation of an address already invited", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db);
    const existing = await createAccount(db);
    const sent = await sendInvitations(actor, sendInput(existing.email));
    const invitationId = sent.invitations[0]?.outcome === "sent" ? sent.invitations[0].invitationId : "";
    expect((await lookupInvitee(actor, { emails: existing.email })).addresses).toEqual([
      { email: existing.email, outcome: "pending", invitationId },
    ]);
  });

  it("flags malformed addresses and domains outside the allowed ones", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { allowedEmailDomains: ["example.com"] });
    const result = await lookupInvitee(actor, { emails: "not-an-address; someone@elsewhere.org; fine@EXAMPLE.com" });
    expect(result.addresses.map((a) => [a.email, a.outcome])).toEqual([
      ["not-an-address", "invalid"],
      ["someone@elsewhere.org", "domainNotAllowed"],
      ["fine@EXAMPLE.com", "new"],
    ]);
  });

  it("splits on commas and semicolons, trims, and collapses duplicates whatever their case", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db);
    const result = await lookupInvitee(actor, { emails: " Ana@Example.com ;bo@example.com,, ana@example.COM ; " });
    expect(result.addresses.map((a) => a.email)).toEqual(["Ana@Example.com", "bo@example.com"]);
  });

  it("is refused to a user member and to an actor of another organization, writing nothing", async () => {
    const db = t.db();
    const { org, actor: owner } = await createOrganizationWithOwner(db);
    const other = await createOrganizationWithOwner(db, "Other");
    const user = await createAccount(db);
    const userActor = await actorFor(db, (await addMember(db, org.id, user.id, { role: "user" })).id);
    const before = await countRows(db);
    await expectDomainError(lookupInvitee(userActor, { emails: uniqueEmail() }), "forbidden");
    await expectDomainError(
      lookupInvitee({ ...other.actor, organizationId: org.id, organizationName: org.name }, { emails: uniqueEmail() }),
      "forbidden",
    );
    await expectDomainError(lookupInvitee({ ...owner, role: "user" }, { emails: uniqueEmail() }), "forbidden");
    expect(await countRows(db)).toEqual(before);
  });

  it("answers with the same verdicts as the send's classification, in one query", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { allowedEmailDomains: ["example.com", "example.org"] });
    const existing = await createAccount(db, { name: "Existing Person", locale: "fr" });
    const member = await createAccount(db);
    await addMember(db, org.id, member.id, { role: "user" });
    const pending = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: actor.accountId,
      kind: "existing",
    });
    // A membership left `invited` by a revoked invitation: the address may be invited again.
    const revoked = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: actor.accountId,
      kind: "existing",
      status: "revoked",
    });
    const elsewhere = await createAccount(db, {
      email: uniqueEmail("outside").replace("@example.com", "@elsewhere.net"),
    });
    const emails = [
      existing.email.toUpperCase(),
      "someone.new@example.org",
      member.email,
      pending.account.email,
      revoked.account.email,
      elsewhere.email,
      "not-an-address",
      actor.email,
    ].join("; ");

    const { result, queries } = await queryCounter.count(() => lookupInvitee(actor, { emails }));
    expect(queries).toBe(1);
    const send = await resolveAddresses(db, org.id, splitAddresses(emails), await readSettings(db, org.id));
    expect(result.addresses).toEqual(send.map(publicLookup));
    expect(result.addresses.map((a) => a.outcome)).toEqual([
      "existing",
      "new",
      "member",
      "pending",
      "existing",
      "domainNotAllowed",
      "invalid",
      "member",
    ]);
    // No organization in common with the inviter: the lookup tells only that the account exists.
    expect(result.addresses[0]).toEqual({ email: existing.email.toUpperCase(), outcome: "existing" });
    expect(result.addresses[3]).toMatchObject({ invitationId: pending.invitation.id });
  });

  describe("re-checks the administrator's membership as it is now", () => {
    const lookupKey = (actor: Actor) => `invite-lookup:${actor.organizationId}:${actor.accountId}`;

    async function administrator() {
      const db = t.db();
      const { org } = await createOrganizationWithOwner(db);
      const account = await createAccount(db);
      const membership = await addMember(db, org.id, account.id, { role: "administrator" });
      const actor = await actorFor(db, membership.id);
      await lookupInvitee(actor, { emails: uniqueEmail() });
      return { db, org, membership, actor };
    }

    /** Refused before counting: the counter the lookup would use keeps the hits it had. */
    async function expectRefused(actor: Actor, code: string, hitsBefore = 1) {
      const db = t.db();
      const before = await countRows(db);
      await expectDomainError(lookupInvitee(actor, { emails: uniqueEmail() }), code);
      expect(await countRows(db)).toEqual(before);
      expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(hitsBefore);
    }

    it("refuses an administrator demoted since the request began", async () => {
      const { db, membership, actor } = await administrator();
      await db.update(memberships).set({ role: "user" }).where(eq(memberships.id, membership.id));
      await expectRefused(actor, "forbidden");
    });

    it("refuses an administrator removed from the organization", async () => {
      const { db, membership, actor } = await administrator();
      await db.delete(memberships).where(eq(memberships.id, membership.id));
      await expectRefused(actor, "forbidden");
    });

    it("refuses a disabled administrator", async () => {
      const { db, membership, actor } = await administrator();
      await db.update(memberships).set({ status: "disabled" }).where(eq(memberships.id, membership.id));
      await expectRefused(actor, "forbidden");
    });

    it("refuses an administrator whose access has expired", async () => {
      const { db, membership, actor } = await administrator();
      await db
        .update(memberships)
        .set({ accessExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(memberships.id, membership.id));
      await expectRefused(actor, "accessExpired");
    });

    it("refuses a membership of another organization presented as this one's", async () => {
      const { db, actor } = await administrator();
      const other = await createOrganization(db, "Elsewhere");
      await expectRefused({ ...actor, organizationId: other.id, organizationName: other.name }, "forbidden", 0);
    });
  });

  describe("is limited per administrator (LOOKUP_LIMIT)", () => {
    const lookupKey = (actor: Actor) => `invite-lookup:${actor.organizationId}:${actor.accountId}`;

    it("counts every lookup, and refuses the one over the limit without answering", async () => {
      const db = t.db();
      const { actor, org } = await createOrganizationWithOwner(db);
      for (let i = 1; i <= 3; i++) {
        await lookupInvitee(actor, { emails: uniqueEmail() });
        expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(i);
      }
      // The window is nearly used up: the last lookup within the limit answers, the next does not.
      await db
        .update(rateLimits)
        .set({ hits: LOOKUP_LIMIT.limit - 1 })
        .where(eq(rateLimits.key, lookupKey(actor)));
      const existing = await createAccount(db);
      expect((await lookupInvitee(actor, { emails: existing.email })).addresses[0]?.outcome).toBe("existing");
      const refused = await lookupInvitee(actor, { emails: existing.email }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({
        code: "invite-wizard.lookupRateLimited",
        options: { status: 429, params: { minutes: 10 } },
      });
      await expectDomainError(lookupInvitee(actor, { emails: uniqueEmail() }), "invite-wizard.lookupRateLimited");

      // Another administrator of the organization has a counter of their own.
      const colleague = await createAccount(db);
      const colleagueActor = await actorFor(
        db,
        (await addMember(db, org.id, colleague.id, { role: "administrator" })).id,
      );
      expect((await lookupInvitee(colleagueActor, { emails: existing.email })).addresses[0]?.outcome).toBe("existing");
    });

    it("starts a new window once the old one has passed", async () => {
      const db = t.db();
      const { actor } = await createOrganizationWithOwner(db);
      await db.insert(rateLimits).values({
        key: lookupKey(actor),
        hits: LOOKUP_LIMIT.limit + 5,
        windowStartedAt: sql`now() - make_interval(secs => ${LOOKUP_LIMIT.windowSeconds + 1})`,
      });
      await lookupInvitee(actor, { emails: uniqueEmail() });
      expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(1);
    });

    it("counts each address looked up: a lookup of many addresses uses as many, and one that does not fit is refused whole", async () => {
      const db = t.db();
      const { actor } = await createOrganizationWithOwner(db);
      const existing = await createAccount(db);
      const many = [existing.email, ...Array.from({ length: 19 }, () => uniqueEmail())].join(", ");
      await lookupInvitee(actor, { emails: many });
      expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(20);
      // A malformed entry is not looked up, so it costs nothing; duplicates count once.
      await lookupInvitee(actor, { emails: `${existing.email}, not-an-address, ${existing.email.toUpperCase()}` });
      expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(21);

      // Twenty left: a lookup of twenty addresses fits exactly, and then not one more does.
      await db
        .update(rateLimits)
        .set({ hits: LOOKUP_LIMIT.limit - 20 })
        .where(eq(rateLimits.key, lookupKey(actor)));
      expect((await lookupInvitee(actor, { emails: many })).addresses[0]?.outcome).toBe("existing");
      expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(LOOKUP_LIMIT.limit);
      await expectDomainError(lookupInvitee(actor, { emails: existing.email }), "invite-wizard.lookupRateLimited");

      // With nineteen left, the twenty are refused whole: nothing is answered.
      await db
        .update(rateLimits)
        .set({ hits: LOOKUP_LIMIT.limit - 19 })
        .where(eq(rateLimits.key, lookupKey(actor)));
      await expectDomainError(lookupInvitee(actor, { emails: many }), "invite-wizard.lookupRateLimited");
    });

    // PGlite serves one statement at a time: only PostgreSQL runs these lookups side by side.
    it.runIf(usingPostgres)("counts concurrent lookups exactly (PostgreSQL)", async () => {
      const db = t.db();
      const { actor } = await createOrganizationWithOwner(db);
      await Promise.all(Array.from({ length: 12 }, () => lookupInvitee(actor, { emails: uniqueEmail() })));
      expect((await peekRateLimit(db, lookupKey(actor), LOOKUP_LIMIT)).hits).toBe(12);
    });
  });
});
