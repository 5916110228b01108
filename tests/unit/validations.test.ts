import { describe, expect, it } from "vitest";
import { setupSchema, signInSchema } from "@/lib/validations/auth";

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
