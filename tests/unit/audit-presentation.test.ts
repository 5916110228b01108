import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { auditActions } from "@/lib/audit/actions";
import { csvCell, csvRow } from "@/lib/audit/csv";
import { detailEntries, isSecretKey, sanitizeDetails } from "@/lib/audit/details";
import {
  actionLabelKey,
  auditDetails,
  auditDetailsText,
  auditSentence,
  sentenceKey,
  type AuditTranslator,
} from "@/lib/audit/present";
import { locales, type AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";

function translator(locale: AppLocale): AuditTranslator {
  return createTranslator({ locale, messages: loadMessages(locale), namespace: "audit" }) as unknown as AuditTranslator;
}

const event = (action: string, details: Record<string, unknown> = {}) => ({
  action,
  actor: { name: "Olivia", email: "olivia@example.com" },
  target: { id: "0b6f8e1c", label: "new.admin@example.com" },
  details,
});

describe("audit sentences", () => {
  it.each(locales)("every kind of event has a sentence and a filter label in %s", (locale) => {
    const t = translator(locale);
    const missing = auditActions.flatMap((action) =>
      [sentenceKey(action), actionLabelKey(action)].filter((key) => !t.has(key)),
    );
    expect(missing).toEqual([]);
    for (const action of auditActions) {
      const sentence = auditSentence(event(action, { role: "administrator" }), t);
      expect(sentence, action).toMatch(/Olivia|new\.admin@example\.com/);
      expect(sentence, action).not.toMatch(/[{}]/);
    }
  });

  it("reads like the issue's example, in English and in French", () => {
    const invited = event("invitation.created", { role: "administrator" });
    expect(auditSentence(invited, translator("en"))).toBe("Olivia invited new.admin@example.com as administrator");
    expect(auditSentence(invited, translator("fr"))).toBe(
      "Olivia a invité new.admin@example.com en tant qu’administrateur",
    );
  });

  it("names the actor by address when the name is unknown, and the app when there is no actor", () => {
    const t = translator("en");
    expect(auditSentence({ ...event("member.updated"), actor: { name: null, email: "a@example.com" } }, t)).toBe(
      "a@example.com edited the member new.admin@example.com",
    );
    expect(
      auditSentence({ ...event("invitation.attempts_exceeded"), actor: { name: null, email: null } }, t),
    ).toContain("new.admin@example.com");
  });

  it("still describes an action this version does not know", () => {
    expect(auditSentence(event("member.teleported"), translator("en"))).toBe("Olivia did “member.teleported”");
  });
});

describe("audit details", () => {
  it("tells secret keys from settings about secrets", () => {
    for (const key of [
      "password",
      "temporaryPassword",
      "newPassword",
      "keyHash",
      "key",
      "invitationKey",
      "apiKey",
      "sessionToken",
      "secret",
      "secretCiphertext",
      "password_hash",
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      "temporaryPasswordPolicy",
      "minPasswordLength",
      "passwordDelivery",
      "role",
      "email",
      "keyboardLayout",
      "tags",
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it("drops secrets at any depth, and values that look like hashes or keys", () => {
    const clean = sanitizeDetails({
      role: "administrator",
      temporaryPassword: "Kx7pQ2mN9vR4sT8w",
      nested: { keyHash: "abc", ok: 1 },
      changes: { passwordHash: { from: "$2a$12$abcdefghijklmnopqrstuv", to: "$2a$12$zyxwvutsrqponmlkjihgfe" } },
      note: "$2b$12$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
      link: "3q2-7wEjyV8hH8x2ZkYv2mXlC0uYx9f4Q1r2s3t4u5w",
    });
    expect(clean).toEqual({ role: "administrator", nested: { ok: 1 }, changes: {} });
  });

  it("keeps a flag about a secret, which reveals nothing", () => {
    expect(sanitizeDetails({ newTemporaryPassword: true, temporaryPassword: "Kx7pQ2mN9vR4sT8w" })).toEqual({
      newTemporaryPassword: true,
    });
  });

  it("shows changes as before → after, nested under `changes` too, with labels and words translated", () => {
    const details = {
      changes: {
        temporaryPasswordPolicy: { from: "ask", to: "not_send" },
        invitationValidityDays: { from: 7, to: 14 },
      },
      version: 3,
    };
    expect(detailEntries(details).map((d) => d.field)).toEqual([
      "temporaryPasswordPolicy",
      "invitationValidityDays",
      "version",
    ]);
    const en = auditDetailsText(
      auditDetails(details, translator("en"), (d) => d.toISOString()),
      translator("en"),
    );
    expect(en).toBe(
      "Send temporary password by email: Ask → Not send; Invitation validity (days): 7 → 14; Settings version: 3",
    );
    const fr = auditDetailsText(
      auditDetails(details, translator("fr"), (d) => d.toISOString()),
      translator("fr"),
    );
    expect(fr).toContain("Envoyer le mot de passe temporaire par e-mail : Demander → Ne pas envoyer");
  });
});

describe("CSV cells", () => {
  it.each(["=SUM(A1:A2)", "+1+1", "-2+3", "@cmd", "\tx", "\rx", "＝1+1"])(
    "neutralises a cell starting like a formula: %j",
    (value) => {
      expect(csvCell(value)).toBe(`"'${value}"`);
    },
  );

  it("quotes every cell and doubles quotes inside", () => {
    expect(csvRow(['He said "hi", then left', "line\nbreak", null, 42])).toBe(
      '"He said ""hi"", then left","line\nbreak","","42"\r\n',
    );
  });
});
