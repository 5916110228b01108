import { describe, expect, it } from "vitest";
import { inviteOptionsIssues, splitAddresses } from "@/lib/validations/invitation-rules";
import { sendInviteSchema } from "@/lib/validations/invitations";

const options = { locale: "en" as const, personalMessage: "", accessExpiry: "", external: false, privileged: false };

describe("invitation rules", () => {
  it("split addresses on commas and semicolons, trimmed, duplicates collapsed whatever their case", () => {
    expect(splitAddresses(" A@x.com;b@x.com ,, a@X.COM ; ")).toEqual(["A@x.com", "b@x.com"]);
    expect(splitAddresses(" ; , ")).toEqual([]);
  });

  it("require a future access expiry for Privileged, and at most 500 characters of message", () => {
    const now = Date.parse("2030-06-15T12:00:00Z");
    expect(inviteOptionsIssues({ ...options, privileged: true }, now)).toEqual([
      { field: "accessExpiry", message: "invite-wizard.privilegedNeedsExpiry" },
    ]);
    expect(inviteOptionsIssues({ ...options, privileged: true, accessExpiry: "2030-06-15" }, now)).toEqual([]);
    expect(inviteOptionsIssues({ ...options, accessExpiry: "2030-06-14" }, now)).toEqual([
      { field: "accessExpiry", message: "invite-wizard.accessExpiryPast" },
    ]);
    expect(inviteOptionsIssues({ ...options, accessExpiry: "15/06/2031" }, now)).toEqual([
      { field: "accessExpiry", message: "invite-wizard.accessExpiryInvalid" },
    ]);
    expect(inviteOptionsIssues({ ...options, personalMessage: "é".repeat(500) }, now)).toEqual([]);
    expect(inviteOptionsIssues({ ...options, personalMessage: "x".repeat(501) }, now)).toEqual([
      { field: "personalMessage", message: "invite-wizard.personalMessageTooLong" },
    ]);
  });

  it("the server schema applies them to the whole payload, with every field's error", () => {
    const result = sendInviteSchema.safeParse({
      idempotencyKey: "not-a-uuid",
      emails: " ; ",
      passwordDelivery: "pigeon",
      options: { ...options, privileged: true, personalMessage: "x".repeat(501) },
    });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(byField).toMatchObject({
      idempotencyKey: "invalid",
      emails: "required",
      "options.accessExpiry": "invite-wizard.privilegedNeedsExpiry",
      "options.personalMessage": "invite-wizard.personalMessageTooLong",
    });
    expect(byField).toHaveProperty("passwordDelivery");
    expect(
      sendInviteSchema.safeParse({
        idempotencyKey: crypto.randomUUID(),
        emails: "a@example.com",
        passwordDelivery: null,
        options,
      }).success,
    ).toBe(true);
  });
});
