import { describe, expect, it } from "vitest";
import { headerText, renderEmail } from "@/lib/email/render";
import enInviteWizard from "@/lib/i18n/messages/en/invite-wizard.json";
import enValidation from "@/lib/i18n/messages/en/validation.json";
import frInviteWizard from "@/lib/i18n/messages/fr/invite-wizard.json";
import frValidation from "@/lib/i18n/messages/fr/validation.json";
import { createOrganizationSchema, setupSchema, signInSchema } from "@/lib/validations/auth";
import { inviteOptionsIssues, type InviteOptions } from "@/lib/validations/invitation-rules";
import { inviteOptionsSchema } from "@/lib/validations/invitations";
import { membersQuerySchema } from "@/lib/validations/members";
import { isSlugShaped } from "@/lib/organizations/slug";
import { nulBytePaths } from "@/lib/validations/text";

const setup = {
  organizationName: "Acme",
  name: "Olivia",
  email: "olivia@acme.example",
  password: "a long enough password",
};

function messagesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

// C0 and C1 controls a form can smuggle in (tab, CR, LF, NUL, ESC, DEL, NEL, CSI) and the Unicode separators.
const controls = ["\u0000", "\t", "\r", "\n", "\r\n", "\u001b", "\u007f", "\u0085", "\u009b", "\u2028", "\u2029"];

describe("names and organization names", () => {
  it.each(controls.map((c) => [JSON.stringify(c), c]))("refuse %s inside, with the controlCharacters key", (_l, c) => {
    const result = setupSchema.safeParse({ ...setup, organizationName: `Acme${c}Bcc: x`, name: `Oli${c}via` });
    expect(messagesOf(result)).toEqual({ organizationName: "controlCharacters", name: "controlCharacters" });
    expect(messagesOf(createOrganizationSchema.safeParse({ name: `Acme${c}Bcc` }))).toEqual({
      name: "controlCharacters",
    });
  });

  it("accept ordinary names, accents and symbols included (positive control)", () => {
    expect(
      setupSchema.safeParse({ ...setup, organizationName: "Café Müller & Co — 東京", name: "Zoë O’Brien" }).success,
    ).toBe(true);
  });

  it("the message exists in both languages", () => {
    expect(enValidation.controlCharacters).toMatch(/control characters/);
    expect(frValidation.controlCharacters).toMatch(/caractères de contrôle/);
  });
});

describe("personal messages", () => {
  const options: InviteOptions = {
    locale: "en",
    personalMessage: "",
    accessExpiry: "",
    external: false,
    privileged: false,
  };

  it("keep \\n and \\r\\n line breaks (positive control)", () => {
    expect(inviteOptionsIssues({ ...options, personalMessage: "Hello,\nWelcome.\r\nSee you" })).toEqual([]);
    expect(inviteOptionsSchema.safeParse({ ...options, personalMessage: "Hi\r\nthere\n" }).success).toBe(true);
  });

  it.each(["\u0000", "\t", "\r", "\u000b", "\u001b", "\u007f", "\u0085", "\u2028"].map((c) => [JSON.stringify(c), c]))(
    "refuse %s",
    (_l, c) => {
      const result = inviteOptionsSchema.safeParse({ ...options, personalMessage: `Hi${c}there` });
      expect(messagesOf(result)).toEqual({ personalMessage: "invite-wizard.personalMessageControlCharacters" });
    },
  );

  it("the message exists in both languages", () => {
    expect(enInviteWizard.personalMessageControlCharacters).toMatch(/control characters/);
    expect(frInviteWizard.personalMessageControlCharacters).toMatch(/caractères de contrôle/);
  });
});

describe("NUL bytes anywhere", () => {
  it("are found in every string of a payload, nested or not, with the field's path", () => {
    expect(nulBytePaths({ email: "a@b.example", password: "pass\u0000word" })).toEqual(["password"]);
    expect(nulBytePaths({ options: { personalMessage: "x\u0000" }, emails: ["a", "b\u0000"] })).toEqual([
      "options.personalMessage",
      "emails",
    ]);
    expect(nulBytePaths("\u0000")).toEqual(["_form"]);
    expect(nulBytePaths({ "k\u0000": "v" })).toEqual(["_form"]);
  });

  it("are not reported where there are none (positive control)", () => {
    expect(nulBytePaths({ email: "a@b.example", n: 1, flag: true, nested: { list: ["x", null] } })).toEqual([]);
    expect(signInSchema.safeParse({ email: "a@b.example", password: "secret" }).success).toBe(true);
  });

  it("do not overflow on deep nesting", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(nulBytePaths(deep)).toEqual([]);
  });
});

describe("email subjects", () => {
  it("never carry a control character, whatever the organization is called", async () => {
    const email = await renderEmail({
      template: "invitation",
      locale: "en",
      payload: {
        invitationId: "0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10",
        organizationName: "Acme\r\nBcc: victim@evil.test",
        inviterName: "Olivia\u0085Owner",
        inviterEmail: "olivia@acme.example",
        role: "administrator",
        expiresAt: "2026-12-04T18:00:00.000Z",
        personalMessage: "",
        variant: "existing",
      },
      secret: { key: "k3y" },
    });
    expect(email.subject).toBe("Olivia Owner invited you to join Acme Bcc: victim@evil.test as an administrator");
    expect(email.subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it("keep ordinary text as it is (positive control)", () => {
    expect(headerText("Olivia invited you to join Café Müller")).toBe("Olivia invited you to join Café Müller");
    expect(headerText("a\r\n\tb\u2028c")).toBe("a b c");
  });
});

describe("the Users page's search parameters", () => {
  it("turn a NUL byte or another control character in a search into a space, and keep the rest", () => {
    expect(membersQuerySchema.parse({ q: "ada\u0000", page: "2" })).toMatchObject({ q: "ada", page: 2 });
    expect(membersQuerySchema.parse({ q: "a\u001b\u0000b" }).q).toBe("a b");
    expect(membersQuerySchema.parse({ q: "lovelace\ncountess" }).q).toBe("lovelace countess");
  });

  it("give the first page for a malformed or impossible page number", () => {
    for (const page of ["0", "-3", "1e400", "NaN", "2.5", "\u0000", "999999999", "abc"])
      expect(membersQuerySchema.parse({ page }).page).toBe(1);
  });

  it("keep a usable search and page (positive control)", () => {
    expect(membersQuerySchema.parse({ q: " Zoë O’Brien ", page: "3" })).toMatchObject({ q: "Zoë O’Brien", page: 3 });
  });
});

describe("organization slugs from a URL", () => {
  it("only the shape slugs have reaches the database", () => {
    expect(isSlugShaped("acme-2")).toBe(true);
    for (const slug of ["acme\u0000", "", "Acme", "a/b", "acme%00", "x".repeat(101)])
      expect(isSlugShaped(slug)).toBe(false);
  });
});
