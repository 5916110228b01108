import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createTranslator } from "next-intl";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { auditActions } from "@/lib/audit/actions";
import { csvCell, csvRow } from "@/lib/audit/csv";
import { detailEntries, isDetailWord, isIdentifierKey, isSecretKey, sanitizeDetails } from "@/lib/audit/details";
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
import { settingsSchema } from "@/lib/validations/settings";

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
    expect(fr).toContain("Envoyer le mot de passe temporaire par courriel : Demander → Ne pas envoyer");
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

// A static scan of lib/, like tests/integration/audit-coverage.test.ts, so that a detail someone
// records later needs its label too: the keys of every `details` object literal, of every object
// literal handed to a function whose name says "audit", of a `details` parameter's type, and of
// what `diff()` compares; with the string literals recorded as values.
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

function recordedDetails(): { keys: Set<string>; values: Map<string, [field: string, value: string]> } {
  const keys = new Set<string>();
  const values = new Map<string, [field: string, value: string]>();
  for (const file of sourceFiles(path.join(process.cwd(), "lib"))) {
    if (file.includes(`${path.sep}audit${path.sep}`)) continue;
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const literals = new Map<string, ts.ObjectLiteralExpression>();
    const collect = (node: ts.Node): void => {
      if (ts.isParenthesizedExpression(node) || ts.isSpreadAssignment(node)) return collect(node.expression);
      if (ts.isConditionalExpression(node)) return [node.whenTrue, node.whenFalse].forEach(collect);
      if (ts.isIdentifier(node)) {
        const literal = literals.get(node.text);
        return literal ? collect(literal) : undefined;
      }
      if (!ts.isObjectLiteralExpression(node)) return;
      for (const property of node.properties) {
        if (ts.isSpreadAssignment(property)) {
          collect(property.expression);
          continue;
        }
        if (!property.name || !ts.isIdentifier(property.name)) continue;
        const name = property.name.text;
        const value = ts.isPropertyAssignment(property) ? property.initializer : undefined;
        // A set of changes is shown as one line per changed field; one from `diff()` is seen there.
        if (name === "changes") {
          if (value) collect(value);
          continue;
        }
        keys.add(name);
        if (value && ts.isStringLiteral(value)) values.set(`${name}:${value.text}`, [name, value.text]);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        if (ts.isObjectLiteralExpression(node.initializer)) literals.set(node.name.text, node.initializer);
      }
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "details")
        collect(node.initializer);
      if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === "details" && node.type) {
        if (ts.isTypeLiteralNode(node.type))
          node.type.members.forEach((m) => m.name && ts.isIdentifier(m.name) && keys.add(m.name.text));
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        if (/audit/i.test(callee))
          node.arguments.filter(ts.isObjectLiteralExpression).forEach((arg) => {
            const isInput = arg.properties.some((p) => p.name?.getText(source) === "action");
            if (!isInput) collect(arg);
          });
        if (callee === "diff") node.arguments.forEach(collect);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { keys, values };
}

// `updateSettings` diffs a spread of its input; the settings form's fields are what it can record.
const settingsFields = Object.keys(settingsSchema.shape).filter((k) => k !== "version");
// Values computed rather than written as literals: the kinds of attempt and limit, the lock's scope.
const computedValues: [field: string, value: string][] = [
  ["lastAttempt", "key"],
  ["lastAttempt", "temporaryPassword"],
  ["limits", "invitation"],
  ["limits", "ip"],
  ["scope", "address"],
  ["scope", "addressAndIp"],
  ["kind", "totp"],
  ["kind", "passkey"],
];

describe("audit detail labels", () => {
  const recorded = recordedDetails();

  it("finds the details the code records (the scan itself works)", () => {
    expect([...recorded.keys]).toEqual(expect.arrayContaining(["lastAttempt", "reason", "accountCreated", "tags"]));
    expect([...recorded.values.keys()]).toEqual(
      expect.arrayContaining(["reason:temporary", "reason:invitation", "role:administrator"]),
    );
  });

  it.each(locales)("every recorded detail key that is shown has a label in %s", (locale) => {
    const t = translator(locale);
    const shown = [...recorded.keys, ...settingsFields].filter((key) => !isIdentifierKey(key) && !isSecretKey(key));
    expect(shown.filter((key) => !t.has(`fields.${key}`))).toEqual([]);
  });

  it.each(locales)("every recorded word value has a label in %s", (locale) => {
    const t = translator(locale);
    const words = [...recorded.values.values(), ...computedValues].filter(([, value]) => isDetailWord(value));
    const unlabelled = words.filter(
      ([field, value]) => !t.has(`values.${field}.${value}`) && !t.has(`values.${value}`),
    );
    expect(unlabelled.map(([field, value]) => `${field}: ${value}`)).toEqual([]);
  });

  it("shows names instead of identifiers, and words instead of raw values", () => {
    const details = {
      role: "administrator",
      membershipId: "9b2f6f0e-4c1a-4f0e-9d38-5a0c7b3f2e11",
      toMembershipId: "1c2f6f0e-4c1a-4f0e-9d38-5a0c7b3f2e11",
      reason: "invitation",
      limits: ["invitation", "ip"],
      lastAttempt: "temporaryPassword",
    };
    const text = auditDetailsText(
      auditDetails(details, translator("en"), (d) => d.toISOString()),
      translator("en"),
    );
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toMatch(/membership|lastAttempt|temporaryPassword|reason: /);
    const unlabelled = { ...event("member.removed"), target: { id: details.membershipId, label: null } };
    expect(auditSentence(unlabelled, translator("en"))).not.toContain(details.membershipId);
    expect(text).toBe(
      "Role: administrator; Reason: accepting an invitation; Limits reached: per invitation, per IP address; Last attempt: temporary password",
    );
  });
});
