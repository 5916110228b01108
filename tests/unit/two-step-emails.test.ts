import { describe, expect, it } from "vitest";
import { renderEmail } from "@/lib/email/render";
import type { EmailTemplates } from "@/lib/email/types";
import { locales } from "@/lib/i18n/config";

type Payload = EmailTemplates["two-step-changed"]["payload"];
const base: Payload = {
  accountName: "Ines Invitee",
  change: "passkey-added",
  factorName: "Work laptop",
  actorName: null,
  at: "2026-12-04T18:00:00.000Z",
};

const subjects = {
  en: {
    "authenticator-added": "An authenticator app was added to your account",
    "passkey-added": "A passkey was added to your account",
    "factor-removed": "A two-step verification method was removed from your account",
    "recovery-code-used": "A recovery code was used to sign in to your account",
    "factors-reset": "Your two-step verification was reset by an administrator",
  },
  fr: {
    "authenticator-added": "Une application d’authentification a été ajoutée à votre compte",
    "passkey-added": "Une clé d’accès a été ajoutée à votre compte",
    "factor-removed": "Une méthode de vérification en deux étapes a été retirée de votre compte",
    "recovery-code-used": "Un code de récupération a servi à vous connecter à votre compte",
    "factors-reset": "Votre vérification en deux étapes a été réinitialisée par un administrateur",
  },
} as const;

describe.each(locales)("the two-step notice in %s", (locale) => {
  it.each(Object.keys(subjects[locale]) as Payload["change"][])("says what happened: %s", async (change) => {
    const email = await renderEmail({
      template: "two-step-changed",
      locale,
      payload: { ...base, change, actorName: change === "factors-reset" ? "Olivia Owner" : null },
      secret: null,
    });
    expect(email.subject).toBe(subjects[locale][change]);
    expect(email.text).toContain("Ines Invitee");
    expect(email.text).toContain("/account/security");
    expect(email.text).toContain(locale === "en" ? "December 4, 2026" : "4 décembre 2026");
    if (change.endsWith("-added") || change === "factor-removed") expect(email.text).toContain("Work laptop");
    if (change === "factors-reset") expect(email.text).toContain("Olivia Owner");
    expect(email.html).toContain(`lang="${locale}"`);
  });
});
