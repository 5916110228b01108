import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { accountAction, orgAction, publicAction } from "@/lib/action";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { logger } from "@/lib/logger";

// The wrapper's own sequence, with the lookups stood in for: a failure of the session or
// membership query is an unexpected error like any other, with its reference.
const lookups = vi.hoisted(() => ({ failing: false }));
vi.mock("@/lib/auth/current", () => ({
  getCurrentAccount: async () => {
    if (lookups.failing) throw new Error("connection refused");
    return { id: "a", email: "a@example.com", name: "A", locale: null, timeZone: null, passwordIsTemporary: false };
  },
  getMembershipAccess: async () => {
    if (lookups.failing) throw new Error("connection refused");
    return { kind: "signed-out" };
  },
}));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.7", userAgent: "vitest" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});

const schema = z.object({ name: z.string() });

beforeEach(() => {
  lookups.failing = false;
  vi.restoreAllMocks();
});

describe("the action wrapper", () => {
  it("answers a failed account or membership lookup with the generic error and logs it once with its reference", async () => {
    lookups.failing = true;
    for (const action of [
      () => accountAction(schema, async () => "done")({ name: "x" }),
      () => orgAction("members:read", schema, async () => "done")("acme", { name: "x" }),
    ]) {
      const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
      const result = await action();
      expect(result).toMatchObject({ ok: false, code: "unexpected" });
      expect(logged).toHaveBeenCalledTimes(1);
      const [, fields] = logged.mock.calls[0] ?? [];
      const ref = (fields as { ref: string }).ref;
      expect(ref).toMatch(/^[0-9a-f]{8}$/);
      expect(result.ok ? "" : result.formError).toContain(ref);
      logged.mockRestore();
    }
  });

  it("with working lookups the same calls succeed or are refused as expected (positive control)", async () => {
    expect(await accountAction(schema, async () => "done")({ name: "x" })).toEqual({ ok: true, data: "done" });
    expect(await orgAction("members:read", schema, async () => "done")("acme", { name: "x" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });

  it("lets Next's redirect through, after the handler, to a safe path", async () => {
    const action = publicAction(schema, async (input) => input.name, { redirectTo: (name) => `/o/${name}` });
    const thrown = await action({ name: "acme" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(thrown).toMatchObject({ digest: expect.stringContaining(";/o/acme;") });
    const offSite = await action({ name: "x/..//..//evil.test" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(offSite).toMatchObject({ digest: expect.stringContaining(";/;") });
  });
});
