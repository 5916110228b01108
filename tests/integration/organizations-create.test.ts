import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createOrganizationAction } from "@/app/orgs/actions";
import { memberships, organizations, rateLimits } from "@/db/schema";
import type { CurrentAccount } from "@/lib/auth/current";
import { env } from "@/lib/env";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import {
  createOrganization,
  listMyOrganizations,
  mayCreateOrganization,
  ORGANIZATION_CREATION_LIMIT,
  organizationCreationKey,
} from "@/lib/organizations";
import { peekRateLimit } from "@/lib/security/rate-limit";
import { usingPostgres, withTestDatabase } from "../support/db";
import { addMember, countRows, createAccount, createOrganization as insertOrganization } from "../support/factories";
import { expectDomainError } from "./invitations-support";

// The action runs for real behind the account it is given; only what needs an HTTP request is
// stood in for: the signed-in account, the request's headers and the translations.
const request = vi.hoisted(() => ({ account: null as CurrentAccount | null }));
vi.mock("@/lib/auth/current", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/current")>()),
  getCurrentAccount: async () => request.account,
}));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.7", userAgent: "vitest" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});

const t = withTestDatabase();
const meta = { ip: "198.51.100.7", userAgent: "vitest" };
const initialPolicy = env.ORGANIZATION_CREATION;

beforeEach(() => {
  request.account = null;
});
afterEach(() => {
  env.ORGANIZATION_CREATION = initialPolicy;
});

function current(account: { id: string; email: string; name: string }): CurrentAccount {
  return { id: account.id, email: account.email, name: account.name, locale: null, passwordIsTemporary: false };
}

/** An account with one active membership of the given role in a fresh organization. */
async function memberOfOne(role: "administrator" | "user", options: { accessExpiresAt?: Date } = {}) {
  const db = t.db();
  const org = await insertOrganization(db, "Existing");
  const account = await createAccount(db, { name: role === "user" ? "Uma User" : "Ada Admin" });
  await addMember(db, org.id, account.id, { role, accessExpiresAt: options.accessExpiresAt ?? null });
  return current(account);
}

async function ownedOrganizations(accountId: string) {
  return (await listMyOrganizations(accountId)).filter((o) => o.isOwner);
}

async function creationHits(accountId: string) {
  return (await peekRateLimit(t.db(), organizationCreationKey(accountId), ORGANIZATION_CREATION_LIMIT)).hits;
}

describe("ORGANIZATION_CREATION", () => {
  it("defaults to administrators", () => {
    expect(initialPolicy).toBe("administrators");
  });

  describe("administrators", () => {
    beforeEach(() => {
      env.ORGANIZATION_CREATION = "administrators";
    });

    it("refuses a plain user member, writing and counting nothing", async () => {
      const db = t.db();
      const user = await memberOfOne("user");
      expect(mayCreateOrganization(await listMyOrganizations(user.id))).toBe(false);
      const before = await countRows(db);
      await expectDomainError(createOrganization(user, { name: "Mine" }, meta), "orgs.creationNotAllowed");
      expect(await countRows(db)).toEqual(before);
      expect(await creationHits(user.id)).toBe(0);
    });

    it("refuses an account with no organization and an administrator whose access has expired", async () => {
      const db = t.db();
      const nobody = current(await createAccount(db));
      const expired = await memberOfOne("administrator", { accessExpiresAt: new Date(Date.now() - 1000) });
      for (const account of [nobody, expired]) {
        expect(mayCreateOrganization(await listMyOrganizations(account.id))).toBe(false);
        await expectDomainError(createOrganization(account, { name: "Mine" }, meta), "orgs.creationNotAllowed");
        expect(await ownedOrganizations(account.id)).toEqual([]);
      }
    });

    it("lets an active administrator of an existing organization create one, which it owns", async () => {
      const admin = await memberOfOne("administrator");
      expect(mayCreateOrganization(await listMyOrganizations(admin.id))).toBe(true);
      const created = await createOrganization(admin, { name: "Second Venture" }, meta);
      expect(created).toMatchObject({ name: "Second Venture", slug: expect.stringMatching(/^second-venture/) });
      expect(await ownedOrganizations(admin.id)).toMatchObject([{ id: created.id, role: "administrator" }]);
      expect(await creationHits(admin.id)).toBe(1);
    });

    it("re-checks in the transaction: an administrator demoted since the page loaded is refused", async () => {
      const db = t.db();
      const admin = await memberOfOne("administrator");
      const shown = mayCreateOrganization(await listMyOrganizations(admin.id));
      await db.update(memberships).set({ role: "user" }).where(eq(memberships.accountId, admin.id));
      expect(shown).toBe(true);
      await expectDomainError(createOrganization(admin, { name: "Too Late" }, meta), "orgs.creationNotAllowed");
    });
  });

  describe("setup-only", () => {
    it("refuses everyone, administrators included", async () => {
      env.ORGANIZATION_CREATION = "setup-only";
      const db = t.db();
      const admin = await memberOfOne("administrator");
      const user = await memberOfOne("user");
      const before = await countRows(db);
      for (const account of [admin, user]) {
        expect(mayCreateOrganization(await listMyOrganizations(account.id))).toBe(false);
        await expectDomainError(createOrganization(account, { name: "Mine" }, meta), "orgs.creationNotAllowed");
      }
      expect(await countRows(db)).toEqual(before);

      // Positive control: the same administrator may under the default policy.
      env.ORGANIZATION_CREATION = "administrators";
      await expect(createOrganization(admin, { name: "Allowed" }, meta)).resolves.toMatchObject({ name: "Allowed" });
    });
  });

  describe("anyone", () => {
    it("lets a plain user member, and an account with no organization, create one", async () => {
      env.ORGANIZATION_CREATION = "anyone";
      const db = t.db();
      const user = await memberOfOne("user");
      const nobody = current(await createAccount(db));
      for (const account of [user, nobody]) {
        expect(mayCreateOrganization(await listMyOrganizations(account.id))).toBe(true);
        const created = await createOrganization(account, { name: "Open Door" }, meta);
        expect(await ownedOrganizations(account.id)).toMatchObject([{ id: created.id }]);
      }
    });

    it("still refuses an account that has a temporary password", async () => {
      env.ORGANIZATION_CREATION = "anyone";
      const account = { ...(await memberOfOne("user")), passwordIsTemporary: true };
      await expectDomainError(createOrganization(account, { name: "Mine" }, meta), "forbidden");
    });
  });
});

describe("organizations created per account (ORGANIZATION_CREATION_LIMIT)", () => {
  beforeEach(() => {
    env.ORGANIZATION_CREATION = "administrators";
  });

  it("refuses the sixth organization in a day, creating nothing", async () => {
    const db = t.db();
    const admin = await memberOfOne("administrator");
    for (let i = 1; i <= ORGANIZATION_CREATION_LIMIT.limit; i++) {
      await createOrganization(admin, { name: `Venture ${i}` }, meta);
    }
    expect(await ownedOrganizations(admin.id)).toHaveLength(5);
    const before = await countRows(db);
    const refused = await createOrganization(admin, { name: "Venture 6" }, meta).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({
      code: "orgs.creationRateLimited",
      options: { status: 429, params: { hours: 24 } },
    });
    expect(await countRows(db)).toEqual(before);

    // Another administrator has an allowance of its own.
    const colleague = await memberOfOne("administrator");
    await expect(createOrganization(colleague, { name: "Venture 6" }, meta)).resolves.toMatchObject({
      name: "Venture 6",
    });
  });

  it("starts a new allowance once the day has passed", async () => {
    const db = t.db();
    const admin = await memberOfOne("administrator");
    await db.insert(rateLimits).values({
      key: organizationCreationKey(admin.id),
      hits: ORGANIZATION_CREATION_LIMIT.limit,
      windowStartedAt: sql`now() - make_interval(secs => ${ORGANIZATION_CREATION_LIMIT.windowSeconds + 1})`,
    });
    await createOrganization(admin, { name: "Tomorrow" }, meta);
    expect(await creationHits(admin.id)).toBe(1);
  });

  describe.runIf(usingPostgres)("under parallel requests (PostgreSQL)", () => {
    it("creates at most the limit when 20 creations arrive at once", async () => {
      const db = t.db();
      const admin = await memberOfOne("administrator");
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => createOrganization(admin, { name: `Burst ${i}` }, meta)),
      );
      const created = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter(
        (r) => r.status === "rejected" && (r.reason as { code?: string }).code === "orgs.creationRateLimited",
      );
      expect(created).toHaveLength(ORGANIZATION_CREATION_LIMIT.limit);
      expect(refused).toHaveLength(20 - ORGANIZATION_CREATION_LIMIT.limit);
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(organizations)
        .innerJoin(memberships, eq(memberships.organizationId, organizations.id))
        .where(eq(memberships.accountId, admin.id));
      // The five created and the one the administrator already belonged to.
      expect(Number(row?.n)).toBe(ORGANIZATION_CREATION_LIMIT.limit + 1);
    });
  });
});

describe("createOrganizationAction", () => {
  beforeEach(() => {
    env.ORGANIZATION_CREATION = "administrators";
  });

  it("answers a refused account with a clear message and creates nothing", async () => {
    const db = t.db();
    request.account = await memberOfOne("user");
    const before = await countRows(db);
    expect(await createOrganizationAction({ name: "Mine" })).toEqual({
      ok: false,
      code: "orgs.creationNotAllowed",
      formError:
        "This account may not create organizations here. Ask an administrator to invite you to an organization.",
    });
    expect(await countRows(db)).toEqual(before);
  });

  it("opens the new organization for an administrator", async () => {
    request.account = await memberOfOne("administrator");
    const redirect = await createOrganizationAction({ name: "Via The Form" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(redirect).toMatchObject({ digest: expect.stringContaining(";/o/via-the-form") });
  });
});
