import { describe, expect, it } from "vitest";
import { invitations, rateLimits } from "@/db/schema";
import { eq } from "drizzle-orm";
import { INVITE_LIMITS, inviteRateLimitKeys, sendInvitations } from "@/lib/invitations/create";
import { reinvite } from "@/lib/invitations/manage";
import {
  LOOKUP_ACCOUNT_LIMIT,
  LOOKUP_LIMIT,
  lookupInvitee,
  lookupRateLimitKeys,
  type LookupResult,
} from "@/lib/invitations/lookup";
import { peekRateLimit } from "@/lib/security/rate-limit";
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
import { expectDomainError, sendInput } from "./invitations-support";

const t = withTestDatabase();

/** One account administering `count` organizations, with its Actor in each. */
async function administratorOf(count: number) {
  const db = t.db();
  const first = await createOrganizationWithOwner(db, "First");
  const actors = [first.actor];
  for (let i = 1; i < count; i++) {
    const org = await createOrganization(db, `Org ${i}`);
    actors.push(await actorFor(db, (await addMember(db, org.id, first.owner.id, { isOwner: true })).id));
  }
  return { db, owner: first.owner, actors };
}

async function seedCounter(key: string, hits: number) {
  await t
    .db()
    .insert(rateLimits)
    .values({ key, hits, windowStartedAt: new Date() })
    .onConflictDoUpdate({ target: rateLimits.key, set: { hits, windowStartedAt: new Date() } });
}

describe("what the lookup tells about an existing account", () => {
  it("tells only that it exists when it shares no organization with the inviter", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db, "Northwind");
    const stranger = await createAccount(db, { name: "Sam Stranger", locale: "fr" });
    // Merely invited into one of the inviter's organizations: that shares nothing yet.
    const other = await createOrganization(db, "Elsewhere");
    await addMember(db, other.id, actor.accountId, { role: "user" });
    await addMember(db, other.id, stranger.id, { status: "invited" });
    // A member of an organization where the inviter's membership is disabled.
    const left = await createOrganization(db, "Left");
    await addMember(db, left.id, actor.accountId, { status: "disabled" });
    await addMember(db, left.id, stranger.id, { role: "user" });

    const result = await lookupInvitee(actor, { emails: stranger.email });
    expect(result.organizationName).toBe(org.name);
    expect(result.addresses).toEqual([{ email: stranger.email, outcome: "existing" }]);
    expect(JSON.stringify(result)).not.toContain("Sam Stranger");
  });

  it("gives the name and locale when the account is a member of an organization the inviter belongs to", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db, "Northwind");
    const colleague = await createAccount(db, { name: "Cleo Colleague", locale: "fr" });
    const shared = await createOrganization(db, "Shared");
    await addMember(db, shared.id, actor.accountId, { role: "user" });
    await addMember(db, shared.id, colleague.id, { role: "user", status: "disabled" });
    expect((await lookupInvitee(actor, { emails: colleague.email })).addresses).toEqual([
      { email: colleague.email, outcome: "existing", accountName: "Cleo Colleague", accountLocale: "fr" },
    ]);
  });
});

describe("lookups counted per account across its organizations (LOOKUP_ACCOUNT_LIMIT)", () => {
  it("counts each lookup for the administrator in its organization and for the account", async () => {
    const { db, owner, actors } = await administratorOf(2);
    const [a, b] = actors as [(typeof actors)[0], (typeof actors)[0]];
    await lookupInvitee(a, { emails: uniqueEmail() });
    await lookupInvitee(b, { emails: uniqueEmail() });
    await lookupInvitee(b, { emails: uniqueEmail() });
    const hits = async (key: string, rule: typeof LOOKUP_LIMIT) => (await peekRateLimit(db, key, rule)).hits;
    expect(await hits(lookupRateLimitKeys.administrator(a.organizationId, owner.id), LOOKUP_LIMIT)).toBe(1);
    expect(await hits(lookupRateLimitKeys.administrator(b.organizationId, owner.id), LOOKUP_LIMIT)).toBe(2);
    expect(await hits(lookupRateLimitKeys.account(owner.id), LOOKUP_ACCOUNT_LIMIT)).toBe(3);
  });

  it("refuses lookups in every organization of the account once its allowance is used up", async () => {
    const { db, owner, actors } = await administratorOf(2);
    const [a, b] = actors as [(typeof actors)[0], (typeof actors)[0]];
    const existing = await createAccount(db);
    await seedCounter(lookupRateLimitKeys.account(owner.id), LOOKUP_ACCOUNT_LIMIT.limit - 2);
    // Two lookups within the account's allowance, one in each organization.
    expect((await lookupInvitee(a, { emails: existing.email })).addresses[0]?.outcome).toBe("existing");
    expect((await lookupInvitee(b, { emails: existing.email })).addresses[0]?.outcome).toBe("existing");
    for (const actor of [a, b]) {
      const refused = await lookupInvitee(actor, { emails: existing.email }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({
        code: "invite-wizard.lookupAccountRateLimited",
        options: { status: 429, params: { minutes: 10 } },
      });
    }
    // Each organization's own counter is far from LOOKUP_LIMIT: the account's limit refused them.
    expect(
      (await peekRateLimit(db, lookupRateLimitKeys.administrator(b.organizationId, owner.id), LOOKUP_LIMIT)).hits,
    ).toBe(2);

    // Another administrator of the same organization is not affected.
    const colleague = await createAccount(db);
    const colleagueActor = await actorFor(db, (await addMember(db, a.organizationId, colleague.id)).id);
    expect((await lookupInvitee(colleagueActor, { emails: existing.email })).addresses[0]?.outcome).toBe("existing");
  });

  it("does not count for the account a lookup its organization's limit refused", async () => {
    const { db, owner, actors } = await administratorOf(1);
    const [a] = actors as [(typeof actors)[0]];
    await seedCounter(lookupRateLimitKeys.administrator(a.organizationId, owner.id), LOOKUP_LIMIT.limit);
    await expectDomainError(lookupInvitee(a, { emails: uniqueEmail() }), "invite-wizard.lookupRateLimited");
    expect((await peekRateLimit(db, lookupRateLimitKeys.account(owner.id), LOOKUP_ACCOUNT_LIMIT)).hits).toBe(0);
  });

  describe.runIf(usingPostgres)("under parallel requests (PostgreSQL)", () => {
    it("answers at most the account's allowance when 40 lookups arrive at once across four organizations", async () => {
      const { db, owner, actors } = await administratorOf(4);
      const existing = await createAccount(db);
      const left = 10;
      await seedCounter(lookupRateLimitKeys.account(owner.id), LOOKUP_ACCOUNT_LIMIT.limit - left);
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => lookupInvitee(actors[i % 4]!, { emails: existing.email })),
      );
      const answered = results.filter((r): r is PromiseFulfilledResult<LookupResult> => r.status === "fulfilled");
      const refused = results.filter(
        (r) =>
          r.status === "rejected" && (r.reason as { code?: string }).code === "invite-wizard.lookupAccountRateLimited",
      );
      expect(answered).toHaveLength(left);
      expect(refused).toHaveLength(40 - left);
      expect(answered.every((r) => r.value.addresses[0]?.outcome === "existing")).toBe(true);
      // Every lookup was counted once for the account, and none for an organization beyond its share.
      expect((await peekRateLimit(db, lookupRateLimitKeys.account(owner.id), LOOKUP_ACCOUNT_LIMIT)).hits).toBe(
        LOOKUP_ACCOUNT_LIMIT.limit - left + 40,
      );
      for (const actor of actors) {
        expect(
          (await peekRateLimit(db, lookupRateLimitKeys.administrator(actor.organizationId, owner.id), LOOKUP_LIMIT))
            .hits,
        ).toBe(10);
      }
    });
  });
});

describe("invitations counted per account across its organizations (INVITE_LIMITS.perAccount)", () => {
  it("refuses an invitation in a second organization once the account's allowance is used up", async () => {
    const { db, owner, actors } = await administratorOf(2);
    const [a, b] = actors as [(typeof actors)[0], (typeof actors)[0]];
    await seedCounter(inviteRateLimitKeys.account(owner.id), INVITE_LIMITS.perAccount.limit - 1);
    const first = await createAccount(db);
    const second = await createAccount(db);
    const sent = await sendInvitations(a, sendInput(first.email));
    expect(sent.invitations[0]).toMatchObject({ outcome: "sent" });

    const before = await countRows(db);
    const refused = await sendInvitations(b, sendInput(second.email));
    expect(refused.invitations).toEqual([
      {
        email: second.email,
        outcome: "failed",
        code: "invite-wizard.accountRateLimited",
        params: { minutes: 60 },
      },
    ]);
    expect(await countRows(db)).toEqual(before);
    // Far from the organization's and the inviter's limits there: the account's limit refused it.
    expect(
      (await peekRateLimit(db, inviteRateLimitKeys.inviter(b.organizationId, owner.id), INVITE_LIMITS.perInviter)).hits,
    ).toBe(0);

    // Another administrator of that organization still invites.
    const colleague = await createAccount(db);
    const colleagueActor = await actorFor(db, (await addMember(db, b.organizationId, colleague.id)).id);
    expect((await sendInvitations(colleagueActor, sendInput(second.email))).invitations[0]).toMatchObject({
      outcome: "sent",
    });
    expect(await db.$count(invitations)).toBe((before.invitations ?? 0) + 1);
  });

  it("counts the invitations of every organization on the account's counter", async () => {
    const { db, owner, actors } = await administratorOf(2);
    const [a, b] = actors as [(typeof actors)[0], (typeof actors)[0]];
    await sendInvitations(a, sendInput((await createAccount(db)).email));
    await sendInvitations(b, sendInput(`${(await createAccount(db)).email}, ${(await createAccount(db)).email}`));
    expect((await peekRateLimit(db, inviteRateLimitKeys.account(owner.id), INVITE_LIMITS.perAccount)).hits).toBe(3);
  });
});

describe("re-sends counted like sends", () => {
  it("counts a re-invite against the sending limits, refuses it once they are used up, and changes nothing", async () => {
    const { db, owner, actors } = await administratorOf(1);
    const [actor] = actors as [(typeof actors)[0]];
    const sent = await sendInvitations(actor, sendInput((await createAccount(db)).email));
    const invitationId = (sent.invitations[0] as { invitationId: string }).invitationId;
    const accountCounter = async () =>
      (await peekRateLimit(db, inviteRateLimitKeys.account(owner.id), INVITE_LIMITS.perAccount)).hits;
    expect(await accountCounter()).toBe(1);

    // Positive control: within the limits, the re-invite is sent and counted.
    await reinvite(actor, { invitationId, passwordDelivery: "email" });
    expect(await accountCounter()).toBe(2);

    await seedCounter(inviteRateLimitKeys.account(owner.id), INVITE_LIMITS.perAccount.limit);
    const before = await countRows(db);
    const [row] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
    await expectDomainError(
      reinvite(actor, { invitationId, passwordDelivery: "email" }),
      "invite-wizard.accountRateLimited",
    );
    expect(await countRows(db)).toEqual(before);
    const [after] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
    expect(after).toEqual(row);
    // The refusal was given back: the counter stands at the limit, not over it.
    expect(await accountCounter()).toBe(INVITE_LIMITS.perAccount.limit);
  });

  it("gives the count back when the re-invite is refused for another reason", async () => {
    const { db, owner, actors } = await administratorOf(1);
    const [actor] = actors as [(typeof actors)[0]];
    await expectDomainError(
      reinvite(actor, { invitationId: "00000000-0000-4000-8000-000000000000", passwordDelivery: "email" }),
      "notFound",
    );
    expect((await peekRateLimit(db, inviteRateLimitKeys.account(owner.id), INVITE_LIMITS.perAccount)).hits).toBe(0);
  });
});
