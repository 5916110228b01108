import { describe, expect, it } from "vitest";
import { emailTemplates } from "@/emails";
import { renderEmail, renderTemplate } from "@/lib/email/render";
import type { EmailTemplates } from "@/lib/email/types";
import { locales, type AppLocale } from "@/lib/i18n/config";

const invitation: EmailTemplates["invitation"]["payload"] = {
  invitationId: "0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10",
  organizationName: "Acme Cloud",
  inviterName: "Olivia Owner",
  inviterEmail: "olivia@acme.example",
  role: "administrator",
  expiresAt: "2026-12-04T18:00:00.000Z",
  personalMessage: "Welcome aboard!\nSee you Monday.",
  variant: "new-with-password",
};
const secret = { key: "k3y-Value_42", temporaryPassword: "plum-orbit-quiet-7" };
const link = "http://localhost:3000/invite/0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10?key=k3y-Value_42";

// The lines SPEC §9 names, as each language writes them.
const expected = {
  en: {
    id: `Invitation ID: ${invitation.invitationId}`,
    key: `Key: ${secret.key}`,
    password: `Temporary password: ${secret.temporaryPassword}`,
    expiry: "December 4, 2026 at 18:00 UTC",
    existing: "sign in with your account to accept",
    manual: "Your administrator will give you your temporary password",
    changeRule: "it must be changed at your first sign-in",
    subject: "Olivia Owner invited you to join Acme Cloud as an administrator",
  },
  fr: {
    id: `ID d’invitation : ${invitation.invitationId}`,
    key: `Clé : ${secret.key}`,
    password: `Mot de passe temporaire : ${secret.temporaryPassword}`,
    expiry: "4 décembre 2026 à 18:00 UTC",
    existing: "connectez-vous avec votre compte pour accepter",
    manual: "Votre administrateur vous remettra votre mot de passe temporaire",
    changeRule: "il devra être changé à votre première connexion",
    subject: "Olivia Owner vous invite à rejoindre Acme Cloud en tant qu’administrateur",
  },
} satisfies Record<AppLocale, Record<string, string>>;

async function renderInvitation(locale: AppLocale, variant: EmailTemplates["invitation"]["payload"]["variant"]) {
  const rendered = await renderEmail({
    template: "invitation",
    locale,
    payload: { ...invitation, variant },
    secret: variant === "new-with-password" ? secret : { key: secret.key },
  });
  return { ...rendered, lines: rendered.text.split("\n") };
}

describe.each(locales)("the invitation email in %s", (locale) => {
  const lines = expected[locale];

  it("names the organization and the inviter, and carries the link, ID, key and expiry on lines of their own", async () => {
    const email = await renderInvitation(locale, "existing");
    expect(email.subject).toBe(lines.subject);
    expect(email.text).toContain("Olivia Owner (olivia@acme.example)");
    expect(email.text).toContain("Acme Cloud");
    expect(email.lines).toContain(link);
    expect(email.lines).toContain(lines.id);
    expect(email.lines).toContain(lines.key);
    expect(email.text).toContain(lines.expiry);
    expect(email.lines).toContain("Welcome aboard!");
    expect(email.lines).toContain("See you Monday.");
    expect(email.html).toContain(`lang="${locale}"`);
  });

  it("tells an existing account to sign in to accept, with no password line", async () => {
    const email = await renderInvitation(locale, "existing");
    expect(email.text).toContain(lines.existing);
    expect(email.text).not.toContain(lines.password.split(":")[0]!.trim());
  });

  it("gives a new account its temporary password on a line of its own and the rule to change it", async () => {
    const email = await renderInvitation(locale, "new-with-password");
    expect(email.lines).toContain(lines.password);
    expect(email.text).toContain(lines.changeRule);
    expect(email.lines).toContain(lines.key);
  });

  it("tells a new account whose password is handed over that the administrator will give it", async () => {
    const email = await renderInvitation(locale, "new-without-password");
    expect(email.text).toContain(lines.manual);
    expect(email.text).toContain(lines.changeRule);
    expect(email.text).not.toContain(secret.temporaryPassword);
  });
});

describe("the other emails", () => {
  it("tells the inviter that the invitation was accepted", async () => {
    const accepted = (locale: AppLocale) =>
      renderEmail({
        template: "invitation-accepted",
        locale,
        payload: {
          organizationName: "Acme Cloud",
          inviteeName: "Ines Invitee",
          inviteeEmail: "ines@acme.example",
          acceptedAt: "2026-12-01T09:30:00Z",
        },
        secret: null,
      });
    const en = await accepted("en");
    expect(en.subject).toBe("Ines Invitee accepted your invitation to Acme Cloud");
    expect(en.text).toContain(
      "Ines Invitee (ines@acme.example) accepted your invitation and joined Acme Cloud on December 1, 2026 at 09:30 UTC.",
    );
    const fr = await accepted("fr");
    expect(fr.subject).toBe("Ines Invitee a accepté votre invitation à Acme Cloud");
    expect(fr.text).toContain("1 décembre 2026 à 09:30 UTC");
  });

  it("warns the account that its password changed", async () => {
    const email = await renderEmail({
      template: "password-changed",
      locale: "en",
      payload: { accountName: "Ines", changedAt: "2026-12-01T09:45:00Z" },
      secret: null,
    });
    expect(email.subject).toBe("Your Gatehouse password was changed");
    expect(email.text).toContain("changed on December 1, 2026 at 09:45 UTC");
    expect(email.text).toContain("If you did not make this change, contact your administrator at once.");
  });

  it("sends the reset link on a line of its own", async () => {
    const email = await renderEmail({
      template: "password-reset",
      locale: "fr",
      payload: {
        accountName: "Ines",
        resetId: "5d1e7f2a-3c4b-4a59-8e6f-7a8b9c0d1e2f",
        expiresAt: "2026-12-01T10:45:00Z",
      },
      secret: { key: "reset key/+" },
    });
    expect(email.subject).toBe("Réinitialisez votre mot de passe Gatehouse");
    expect(email.text.split("\n")).toContain(
      "http://localhost:3000/reset-password/5d1e7f2a-3c4b-4a59-8e6f-7a8b9c0d1e2f?key=reset%20key%2F%2B",
    );
    expect(email.text).toContain("1 décembre 2026 à 10:45 UTC");
  });

  it("refuses to render an emailed-password invitation without its password", async () => {
    await expect(
      renderEmail({ template: "invitation", locale: "en", payload: invitation, secret: { key: "k" } }),
    ).rejects.toThrow(/temporary password/);
  });

  it("renders every preview in both languages", async () => {
    for (const [name, definition] of Object.entries(emailTemplates)) {
      for (const props of Object.values(definition.previews)) {
        for (const locale of locales) {
          const email = await renderTemplate(name as keyof typeof emailTemplates, { ...props, locale });
          expect(email.subject, name).not.toBe("");
          expect(email.text.split("\n"), name).toContain(props.link);
        }
      }
    }
  });
});
