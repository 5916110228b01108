import { describe, expect, it } from "vitest";
import { actionTarget, offeredActions } from "@/app/o/[slug]/admin/users/row-actions";
import type { MemberRow } from "@/lib/members/list";

const member = (overrides: Partial<MemberRow> = {}): MemberRow => ({
  membershipId: "m-1",
  accountId: "a-1",
  name: "Grace Hopper",
  email: "grace@example.com",
  role: "administrator",
  isOwner: false,
  status: "active",
  tags: [],
  accessExpiresAt: new Date("2027-01-31T17:00:00Z"),
  lastSignInAt: null,
  invitedByName: null,
  invitedAt: null,
  twoStep: false,
  invitation: null,
  ...overrides,
});
const administrator = { isSelf: false, isOwner: false };
const owner = { isSelf: false, isOwner: true };

describe("the actions a member's row and page offer", () => {
  it("gives the dialogs what they need, two-step included, with the access expiry as an ISO string", () => {
    expect(actionTarget(member({ twoStep: true }))).toEqual({
      membershipId: "m-1",
      name: "Grace Hopper",
      email: "grace@example.com",
      role: "administrator",
      status: "active",
      isOwner: false,
      tags: [],
      accessExpiresAt: "2027-01-31T17:00:00.000Z",
      invitationId: null,
      twoStep: true,
    });
  });

  it("offers Reset two-step verification only for a member with a factor, and the owner's only to the owner", () => {
    expect(offeredActions(actionTarget(member({ twoStep: true })), administrator)).toContain("resetTwoStep");
    expect(offeredActions(actionTarget(member({ twoStep: false })), administrator)).not.toContain("resetTwoStep");
    const theOwner = actionTarget(member({ twoStep: true, isOwner: true }));
    expect(offeredActions(theOwner, administrator)).not.toContain("resetTwoStep");
    expect(offeredActions(theOwner, owner)).toContain("resetTwoStep");
  });

  it("offers re-invite and cancel for an invitation, and nothing else", () => {
    const invited = member({
      status: "invited",
      invitation: { id: "i-1", expiresAt: new Date(), sendCount: 1, delivery: null },
    });
    expect(offeredActions(actionTarget(invited), owner)).toEqual(["reinvite", "cancel"]);
  });

  it("never offers removing the owner or oneself; the owner can hand ownership to an active administrator", () => {
    expect(offeredActions(actionTarget(member()), administrator)).toEqual(["edit", "delete"]);
    expect(offeredActions(actionTarget(member()), { isSelf: true, isOwner: false })).toEqual(["edit"]);
    expect(offeredActions(actionTarget(member({ isOwner: true })), administrator)).toEqual(["edit"]);
    expect(offeredActions(actionTarget(member()), owner)).toEqual(["edit", "owner", "delete"]);
    expect(offeredActions(actionTarget(member({ role: "user" })), owner)).toEqual(["edit", "delete"]);
  });
});
