import { describe, expect, it } from "vitest";
import { setupSchema, signInSchema } from "@/lib/validations/auth";
import { changePasswordSchema } from "@/lib/validations/password";

describe("setup schema", () => {
  const valid = {
    organizationName: "Acme",
    name: "Olivia",
    email: " Olivia@Example.com ",
    password: "a long enough password",
  };

  it("accepts a valid first run and trims the address", () => {
    const parsed = setupSchema.parse(valid);
    expect(parsed.email).toBe("Olivia@Example.com");
  });

  it("reports every invalid field, each with its catalog key", () => {
    const result = setupSchema.safeParse({
      organizationName: "A",
      name: "",
      email: "not-an-address",
      password: "short",
    });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(byField).toEqual({
      organizationName: "organizationNameTooShort",
      name: "required",
      email: "emailInvalid",
      password: "passwordTooShort",
    });
  });

  it("refuses wrong types without throwing", () => {
    expect(setupSchema.safeParse({ organizationName: 1, name: null, email: [], password: {} }).success).toBe(false);
    expect(signInSchema.safeParse("nope").success).toBe(false);
  });
});

describe("the longest password, counted alike by every form", () => {
  // 128 emoji: 256 UTF-16 units, 128 characters once normalized, as the password policy counts.
  const longest = "🔑".repeat(128);
  const tooLong = "🔑".repeat(129);
  const setup = (password: string) =>
    setupSchema.safeParse({ organizationName: "Acme", name: "Ada", email: "ada@example.com", password }).success;
  const change = (password: string) =>
    changePasswordSchema.safeParse({ newPassword: password, confirmPassword: password }).success;

  it("accepts 128 characters at first run as on the change form, and refuses 129 on both", () => {
    expect([setup(longest), change(longest)]).toEqual([true, true]);
    expect([setup(tooLong), change(tooLong)]).toEqual([false, false]);
  });
});
