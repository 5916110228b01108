import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/lib/i18n/messages/en/invite-wizard.json";
import fr from "@/lib/i18n/messages/fr/invite-wizard.json";
import {
  inviteOptionsIssues,
  readAddresses,
  reportAddresses,
  resultTitle,
  splitAddresses,
} from "@/lib/validations/invitation-rules";
import { sendInviteSchema } from "@/lib/validations/invitations";

const catalogs = { en, fr };
const options = { locale: "en" as const, personalMessage: "", accessExpiry: "", external: false, privileged: false };

describe("invitation rules", () => {
  it("split addresses on commas and semicolons, trimmed, duplicates collapsed whatever their case", () => {
    expect(splitAddresses(" A@x.com;b@x.com ,, a@X.COM ; ")).toEqual(["A@x.com", "b@x.com"]);
    expect(splitAddresses(" ; , ")).toEqual([]);
  });

  it("count the repeats of a paste, each under its first spelling", () => {
    expect(readAddresses("a@x.com; B@x.com, A@X.com;;b@x.com ,a@x.com")).toEqual({
      addresses: ["a@x.com", "B@x.com"],
      repeated: [
        { email: "a@x.com", times: 3 },
        { email: "B@x.com", times: 2 },
      ],
    });
    expect(readAddresses("a@x.com, b@x.com").repeated).toEqual([]);
  });

  it("name every address that cannot be invited, and ask before going on without them", () => {
    const verdicts = [
      { email: "ok@x.com", outcome: "new" },
      { email: "nope", outcome: "invalid" },
      { email: "far@y.org", outcome: "domainNotAllowed" },
      { email: "in@x.com", outcome: "member" },
      { email: "again@x.com", outcome: "pending" },
      { email: "known@x.com", outcome: "existing" },
    ];
    const report = reportAddresses("ok@x.com, nope, far@y.org; in@x.com, again@x.com, known@x.com, OK@x.com", verdicts);
    expect(report.invitable.map((v) => v.email)).toEqual(["ok@x.com", "known@x.com"]);
    expect(report.refused.map((v) => [v.email, v.outcome])).toEqual([
      ["nope", "invalid"],
      ["far@y.org", "domainNotAllowed"],
      ["in@x.com", "member"],
      ["again@x.com", "pending"],
    ]);
    expect(report.repeated).toEqual([{ email: "ok@x.com", times: 2 }]);
    expect(report.needsConfirmation).toBe(true);
  });

  it("ask nothing when every address can be invited, or when none can (Next refuses then)", () => {
    const allGood = reportAddresses("a@x.com, a@x.com", [{ email: "a@x.com", outcome: "existing" }]);
    expect(allGood.needsConfirmation).toBe(false);
    expect(allGood.repeated).toEqual([{ email: "a@x.com", times: 2 }]);
    const noneGood = reportAddresses("nope", [{ email: "nope", outcome: "invalid" }]);
    expect(noneGood).toMatchObject({ invitable: [], needsConfirmation: false });
  });

  it("title the result with what happened", () => {
    expect(resultTitle(1, 1)).toEqual({ key: "resultAll", values: { sent: 1 } });
    expect(resultTitle(3, 3)).toEqual({ key: "resultAll", values: { sent: 3 } });
    expect(resultTitle(3, 4)).toEqual({ key: "resultSome", values: { sent: 3, total: 4 } });
    expect(resultTitle(0, 2)).toEqual({ key: "resultNone", values: { total: 2 } });
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

describe("the result's title, as the wizard's catalogs word it", () => {
  it.each([
    ["en", 1, 1, "Invitation sent"],
    ["en", 3, 3, "3 invitations sent"],
    ["en", 3, 4, "3 of 4 invitations sent"],
    ["en", 0, 1, "No invitation sent"],
    ["fr", 1, 1, "Invitation envoyée"],
    ["fr", 3, 4, "3 invitations envoyées sur 4"],
    ["fr", 0, 2, "Aucune invitation envoyée"],
  ] as const)("%s: %i of %i → %s", (locale, sent, total, text) => {
    const t = createTranslator({ locale, messages: { "invite-wizard": catalogs[locale] }, namespace: "invite-wizard" });
    const title = resultTitle(sent, total);
    expect(t(title.key, title.values)).toBe(text);
  });
});
