import { describe, expect, it, vi } from "vitest";
import { rateLimits } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { INVITE_LIMITS, inviteRateLimitKeys, sendInvitations } from "@/lib/invitations/create";
import { peekRateLimit } from "@/lib/security/rate-limit";
import { withTestDatabase } from "../support/db";
import { createAccount, createOrganizationWithOwner, uniqueEmail } from "../support/factories";
import { sendInput } from "./invitations-support";

// The real bcrypt hash, observed: a refused invitation must not spend one.
vi.mock("@/lib/auth/password", async (original) => {
  const actual = await original<typeof import("@/lib/auth/password")>();
  return { ...actual, hashPassword: vi.fn(actual.hashPassword) };
});

const t = withTestDatabase();

describe("Send Invite counts its limits before it hashes a temporary password", () => {
  it("hashes nothing for new addresses refused by a limit, and counts nothing for them", async () => {
    const { actor } = await createOrganizationWithOwner(t.db(), "Counted");
    const key = inviteRateLimitKeys.inviter(actor.organizationId, actor.accountId);
    await t.db().insert(rateLimits).values({ key, hits: INVITE_LIMITS.perInviter.limit, windowStartedAt: new Date() });
    vi.mocked(hashPassword).mockClear();

    const result = await sendInvitations(
      actor,
      sendInput(`${uniqueEmail()}, ${uniqueEmail()}, ${uniqueEmail()}`, { passwordDelivery: "email" }),
    );

    expect(result.invitations.map((r) => r.outcome === "failed" && r.code)).toEqual([
      "invite-wizard.inviterRateLimited",
      "invite-wizard.inviterRateLimited",
      "invite-wizard.inviterRateLimited",
    ]);
    expect(hashPassword).not.toHaveBeenCalled();
    expect((await peekRateLimit(t.db(), key, INVITE_LIMITS.perInviter)).hits).toBe(INVITE_LIMITS.perInviter.limit);
  });

  it("hashes once per new address it sends, and gives back the count of an address it refuses (positive control)", async () => {
    const { actor } = await createOrganizationWithOwner(t.db(), "Sending");
    const existing = await createAccount(t.db());
    await sendInvitations(actor, sendInput(existing.email));
    vi.mocked(hashPassword).mockClear();

    // Two new addresses, and the existing account again: already invited, so refused.
    const result = await sendInvitations(
      actor,
      sendInput(`${uniqueEmail()}, ${uniqueEmail()}, ${existing.email}`, { passwordDelivery: "email" }),
    );

    expect(result.invitations.map((r) => r.outcome)).toEqual(["sent", "sent", "failed"]);
    expect(hashPassword).toHaveBeenCalledTimes(2);
    const key = inviteRateLimitKeys.inviter(actor.organizationId, actor.accountId);
    expect((await peekRateLimit(t.db(), key, INVITE_LIMITS.perInviter)).hits).toBe(3);
  });
});
