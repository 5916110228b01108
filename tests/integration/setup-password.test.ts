import { describe, expect, it, vi } from "vitest";
import { accounts, organizations } from "@/db/schema";
import { runAction } from "@/lib/action";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { DomainError } from "@/lib/errors";
import { completeFirstRun, isSetupComplete } from "@/lib/setup/first-run";
import { setupSchema } from "@/lib/validations/auth";
import { changePasswordSchema } from "@/lib/validations/password";
import { assertNewPasswordAllowed } from "@/lib/auth/password-policy";
import { withTestDatabase } from "../support/db";

// The action's translation step runs for real, with the English catalog.
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});

const meta = { ip: "198.51.100.7", userAgent: "vitest" };
const t = withTestDatabase();

const owner = (password: string) => ({
  organizationName: "Acme",
  name: "Olivia Owner",
  email: "olivia@acme.example",
  password,
});

async function failureOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("first run: the owner's password", () => {
  it.each(["password1234", "Password1234", "qwerty123456"])(
    "refuses the common password %s, with the message every other password form gives",
    async (password) => {
      const error = await failureOf(completeFirstRun(owner(password), meta));
      expect(error.code).toBe("password.common");
      expect(error.options.field).toBe("password");

      const viaSetup = await runAction(setupSchema, owner(password), (input) => completeFirstRun(input, meta));
      const viaChange = await runAction(
        changePasswordSchema,
        { newPassword: password, confirmPassword: password },
        async (input) => assertNewPasswordAllowed(input.newPassword, { minLength: 12 }),
      );
      expect(viaSetup).toMatchObject({
        ok: false,
        fieldErrors: { password: ["This password is too common. Choose one that is harder to guess."] },
      });
      expect(viaChange).toMatchObject({
        ok: false,
        fieldErrors: { newPassword: viaSetup.ok ? [] : viaSetup.fieldErrors!.password },
      });

      expect(await isSetupComplete()).toBe(false);
      expect(await t.db().select().from(accounts)).toHaveLength(0);
    },
  );

  it("refuses a password longer than 128 characters", async () => {
    expect((await failureOf(completeFirstRun(owner("x".repeat(129)), meta))).code).toBe("password.tooLong");
    expect(await t.db().select().from(organizations)).toHaveLength(0);
  });

  it("accepts a password that meets the policy (positive control)", async () => {
    const done = await completeFirstRun(owner("plum orbit quiet lantern"), meta);
    expect(done.organization.slug).toBe("acme");
    expect(await isSetupComplete()).toBe(true);
    expect(await t.db().select().from(accounts)).toHaveLength(1);
  });
});
