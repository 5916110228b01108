import { describe, expect, it } from "vitest";
import {
  formatSheetExpiry,
  passwordSheetRows,
  wrapText,
  type PasswordSheet,
  type PasswordSheetLabels,
} from "@/lib/invitations/password-sheet";
import en from "@/lib/i18n/messages/en/invite-wizard.json";
import fr from "@/lib/i18n/messages/fr/invite-wizard.json";

// One unit per character: widths are lengths, so a line of at most 20 units holds 20 characters.
const length = (text: string) => text.length;

const sheet: PasswordSheet = {
  organizationName: "Acme Corp",
  email: "grace@acme.test",
  temporaryPassword: "abcdefghijkmnpqr",
  invitationUrl: "https://gatehouse.test/invite/x?key=y",
  invitationId: "x",
  invitationExpiresAt: new Date("2026-12-08T14:30:00Z"),
  locale: "en",
  timeZone: "UTC",
};

const labelsOf = (catalog: typeof en | typeof fr): PasswordSheetLabels => catalog.sheet;

describe("password sheet lines", () => {
  it("break between words, never inside one that fits on a line", () => {
    const lines = wrapText("enter the temporary password, then choose a new password", 20, length);
    expect(lines).toEqual(["enter the temporary", "password, then", "choose a new", "password"]);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join(" ")).toBe("enter the temporary password, then choose a new password");
  });

  it("break a word wider than the line at its @ and dots first, then between characters", () => {
    expect(wrapText("firstname.lastname@subsidiary.example.com", 20, length)).toEqual([
      "firstname.lastname",
      "@subsidiary.example.",
      "com",
    ]);
    expect(wrapText("Email: averyveryverylongaddress@x.io", 12, length)).toEqual([
      "Email:",
      "averyveryver",
      "ylongaddress",
      "@x.io",
    ]);
    expect(wrapText("a  b\n c", 20, length)).toEqual(["a b c"]);
    expect(wrapText("", 20, length)).toEqual([]);
  });

  it("state the expiry with its time zone, in the sheet's language", () => {
    expect(formatSheetExpiry(sheet.invitationExpiresAt, "en", "UTC")).toBe("December 8, 2026 at 14:30 UTC");
    expect(formatSheetExpiry(sheet.invitationExpiresAt, "fr", "UTC")).toMatch(/^8 décembre 2026 à 14:30 UTC$/);
    expect(formatSheetExpiry(sheet.invitationExpiresAt, "en", "Europe/Paris")).toMatch(
      /^December 8, 2026 at 15:30 (CET|GMT\+1)$/,
    );
    expect(formatSheetExpiry(sheet.invitationExpiresAt, "en", "Not/AZone")).toBe("December 8, 2026 at 14:30 UTC");
  });

  it("build the rows in the invitation's language, whatever the inviter's", () => {
    const french = passwordSheetRows({ ...sheet, locale: "fr" }, labelsOf(fr));
    expect(french.map((r) => r.label)).toEqual([
      fr.sheet.organization,
      fr.sheet.email,
      fr.sheet.temporaryPassword,
      fr.sheet.invitationLink,
      fr.sheet.invitationId,
      fr.sheet.expires,
    ]);
    expect(french.at(-1)?.value).toBe("8 décembre 2026 à 14:30 UTC");
    const english = passwordSheetRows(sheet, labelsOf(en));
    expect(english.at(-1)).toEqual({ label: "Valid until", value: "December 8, 2026 at 14:30 UTC", code: false });
    expect(english.find((r) => r.value === sheet.temporaryPassword)?.code).toBe(true);
  });
});
