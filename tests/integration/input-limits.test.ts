import { beforeEach, describe, expect, it, vi } from "vitest";
import { runAction } from "@/lib/action";
import { organizationSlugRedirects } from "@/db/schema";
import { encodeAuditCursor, parseAuditQuery } from "@/lib/audit/filters";
import { listAuditEvents } from "@/lib/audit/list";
import { recordAudit } from "@/lib/audit/record";
import { getMembershipAccess } from "@/lib/auth/current";
import { findSlugRedirect } from "@/lib/organizations/manage";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { signInSchema } from "@/lib/validations/auth";
import { withTestDatabase } from "../support/db";
import { createOrganizationWithOwner, createSession } from "../support/factories";

// The session cookie, the request's headers and the translations are stood in for; the database and the code are real.
const request = vi.hoisted(() => ({
  session: null as { accountId: string; sessionVersion: number; sessionId: string } | null,
}));
vi.mock("@/lib/auth/session-token", () => ({ readSessionToken: async () => request.session }));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.9", userAgent: "vitest" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});

const t = withTestDatabase();
const refusal = "Remove the control characters (invisible characters such as tabs or line breaks).";

beforeEach(() => {
  request.session = null;
});

describe("NUL bytes in an action's input", () => {
  it("are a field error on each field that holds one, before the domain call runs", async () => {
    const run = vi.fn(async () => "ran");
    const result = await runAction(signInSchema, { email: "ada\u0000@acme.example", password: "pass\u0000word" }, run);
    expect(result).toEqual({
      ok: false,
      code: "validation",
      fieldErrors: { email: expect.arrayContaining([refusal]), password: [refusal] },
    });
    expect(run).not.toHaveBeenCalled();
  });

  it("the same input without them reaches the domain call (positive control)", async () => {
    const run = vi.fn(async () => "ran");
    expect(await runAction(signInSchema, { email: "ada@acme.example", password: "password" }, run)).toEqual({
      ok: true,
      data: "ran",
    });
  });
});

describe("an organization slug from the URL", () => {
  it("holding a NUL byte names no organization, without a database error; the real slug works (positive control)", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Slugged");
    request.session = await createSession(t.db(), owner.id);
    expect(await getMembershipAccess(`${org.slug}\u0000`)).toEqual({ kind: "not-member" });
    expect(await getMembershipAccess("\u0000")).toEqual({ kind: "not-member" });
    expect((await getMembershipAccess(org.slug)).kind).toBe("ok");
  });
});

describe("a former organization URL name from the URL", () => {
  it("holding a NUL byte or other characters no slug has is not looked up; a real former name is (positive control)", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Moved");
    await t
      .db()
      .insert(organizationSlugRedirects)
      .values({ oldSlug: `${org.slug}-old`, organizationId: org.id, expiresAt: new Date(Date.now() + 60_000) });
    for (const slug of ["\u0000", `${org.slug}-old\u0000`, "é", "A".repeat(101)])
      expect(await findSlugRedirect(owner.id, slug)).toBeNull();
    expect(await findSlugRedirect(owner.id, `${org.slug}-old`)).toBe(org.slug);
  });
});

describe("audit day filters that reach the list", () => {
  it("year 0000, which the database has no dates for, is dropped; year 0001 filters (positive control)", async () => {
    const { actor } = await createOrganizationWithOwner(t.db(), "Ancient");
    await t
      .db()
      .transaction((tx) =>
        recordAudit(tx, { organizationId: actor.organizationId, actor, action: "settings.updated", details: {} }),
      );
    const all = await listAuditEvents(actor, {});
    expect(all.events.length).toBeGreaterThan(0);
    const zero = parseAuditQuery({ from: "0000-01-01", to: "0000-12-31" }).filters;
    expect(zero).toMatchObject({ from: undefined, to: undefined });
    expect(await listAuditEvents(actor, zero)).toEqual(all);
    const ancient = parseAuditQuery({ from: "0001-01-01", to: "0001-12-31" }).filters;
    expect(ancient).toMatchObject({ from: "0001-01-01", to: "0001-12-31" });
    expect((await listAuditEvents(actor, ancient)).events).toEqual([]);
  });
});

describe("audit cursors that reach the list", () => {
  it("an impossible one gives the first page, not a database error", async () => {
    const { actor } = await createOrganizationWithOwner(t.db(), "Cursors");
    const first = await listAuditEvents(actor, {});
    const forged = [
      Buffer.from("2026-13-45T99:99:99.000000Z|1").toString("base64url"),
      Buffer.from("2026-01-01T00:00:00.000000Z|99999999999999999999").toString("base64url"),
      "not a cursor",
    ];
    for (const cursor of forged) {
      expect(await listAuditEvents(actor, {}, { before: cursor })).toEqual(first);
      expect(await listAuditEvents(actor, {}, { after: cursor })).toEqual(first);
    }
  });

  it("a valid one still pages (positive control)", async () => {
    const { actor } = await createOrganizationWithOwner(t.db(), "Paged");
    const past = encodeAuditCursor({ time: "2000-01-01T00:00:00.000000Z", id: 1 });
    expect((await listAuditEvents(actor, {}, { before: past })).events).toEqual([]);
  });
});
