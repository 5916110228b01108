import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditEvents, invitations, memberships, organizations, organizationSettings } from "@/db/schema";
import { authenticateWithPassword, SIGN_IN_LIMITS } from "@/lib/auth/authenticate";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { createOrganization, listMyOrganizations } from "@/lib/organizations";
import { completeFirstRun, isSetupComplete } from "@/lib/setup/first-run";
import { openPostgres } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { usingPostgres, withTestDatabase } from "../support/db";
import { violatedConstraint } from "../support/db-errors";
import {
  addMember,
  createAccount,
  createOrganization as createTestOrganization,
  createOrganizationWithOwner,
  DEFAULT_PASSWORD,
  uniqueEmail,
} from "../support/factories";

const meta = { ip: "198.51.100.4", userAgent: "vitest" };
const t = withTestDatabase();

async function expectDomainError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
}

describe("first run", () => {
  it("two simultaneous submissions leave exactly one organization", async () => {
    expect(await isSetupComplete()).toBe(false);
    const submit = (n: number) =>
      completeFirstRun(
        {
          organizationName: `Acme ${n}`,
          name: `Owner ${n}`,
          email: `owner${n}@example.com`,
          password: "a long enough password",
        },
        meta,
      );
    const results = await Promise.allSettled([submit(1), submit(2)]);

    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0]!.reason as DomainError).code).toBe("setupAlreadyDone");

    const db = t.db();
    expect(await db.select().from(organizations)).toHaveLength(1);
    expect(await db.select().from(accounts)).toHaveLength(1);
    const [owner] = await db.select().from(memberships);
    expect(owner).toMatchObject({ role: "administrator", status: "active", isOwner: true });
    const [settings] = await db.select().from(organizationSettings);
    expect(settings).toMatchObject({
      temporaryPasswordPolicy: "ask",
      invitationValidityDays: 7,
      minPasswordLength: 12,
      defaultLocale: "en",
    });
    expect((await db.select().from(auditEvents)).map((e) => e.action)).toEqual(["organization.created"]);
    expect(await isSetupComplete()).toBe(true);
  });

  it("is refused once an organization exists", async () => {
    await expectDomainError(
      completeFirstRun(
        { organizationName: "Later", name: "Late", email: "late@example.com", password: "a long enough password" },
        meta,
      ),
      "setupAlreadyDone",
    );
  });
});

describe("passwords", () => {
  it("hash in the worker pool and verify, with Unicode normalized", async () => {
    const hash = await hashPassword("Ame\u0301lie's passphrase");
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await verifyPassword("Am\u00e9lie's passphrase", hash)).toBe(true);
    expect(await verifyPassword("Amelie's passphrase", hash)).toBe(false);
  });
});

describe("sign-in", () => {
  it("accepts the right password, any case of address, and records the sign-in", async () => {
    const account = await createAccount(t.db(), { email: uniqueEmail("Ada") });
    const result = await authenticateWithPassword(
      { email: `  ${account.email.toUpperCase()} `, password: DEFAULT_PASSWORD },
      meta,
    );
    expect(result).toEqual({ accountId: account.id, sessionVersion: 1, passwordIsTemporary: false });
    const [after] = await t.db().select().from(accounts).where(eq(accounts.id, account.id));
    expect(after?.lastSignInAt).toBeInstanceOf(Date);
  });

  it("gives one generic error for a wrong password, an unknown address and an account without a password", async () => {
    const account = await createAccount(t.db());
    const withoutPassword = await createAccount(t.db(), { passwordHash: null });
    await expectDomainError(
      authenticateWithPassword({ email: account.email, password: "wrong" }, meta),
      "invalidCredentials",
    );
    await expectDomainError(
      authenticateWithPassword({ email: uniqueEmail(), password: DEFAULT_PASSWORD }, meta),
      "invalidCredentials",
    );
    await expectDomainError(
      authenticateWithPassword({ email: withoutPassword.email, password: DEFAULT_PASSWORD }, meta),
      "invalidCredentials",
    );
  });

  it("locks an address from one IP after repeated failures, even for the right password", async () => {
    const account = await createAccount(t.db());
    const otherIp = { ...meta, ip: "198.51.100.99" };
    for (let i = 0; i < SIGN_IN_LIMITS.perAddressAndIp.limit; i++) {
      await expectDomainError(
        authenticateWithPassword({ email: account.email, password: "wrong" }, otherIp),
        "invalidCredentials",
      );
    }
    const error = await authenticateWithPassword({ email: account.email, password: DEFAULT_PASSWORD }, otherIp).catch(
      (e: DomainError) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("signInRateLimited");
    expect((error as DomainError).options.params?.minutes).toBe(15);
  });

  it("accepts a temporary password only while the invitation that issued it is pending and unexpired", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db);
    const invitee = await createAccount(db, { passwordIsTemporary: true });
    const [inv] = await db
      .insert(invitations)
      .values({
        organizationId: org.id,
        accountId: invitee.id,
        email: invitee.email,
        emailNormalized: invitee.emailNormalized,
        role: "administrator",
        invitedByAccountId: owner.id,
        keyHash: "0".repeat(64),
        expiresAt: new Date(Date.now() + 86_400_000),
        locale: "en",
        passwordDelivery: "manual",
      })
      .returning();
    await expectDomainError(
      authenticateWithPassword({ email: invitee.email, password: DEFAULT_PASSWORD }, meta),
      "invalidCredentials",
    );
    await db.update(accounts).set({ temporaryPasswordInvitationId: inv!.id }).where(eq(accounts.id, invitee.id));
    const ok = await authenticateWithPassword({ email: invitee.email, password: DEFAULT_PASSWORD }, meta);
    expect(ok.passwordIsTemporary).toBe(true);

    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, inv!.id));
    await expectDomainError(
      authenticateWithPassword({ email: invitee.email, password: DEFAULT_PASSWORD }, meta),
      "invalidCredentials",
    );
  });
});

describe("organizations", () => {
  it("an administrator creates one and becomes its owner; slugs stay unique", async () => {
    const db = t.db();
    const account = await createAccount(db, { name: "Nora" });
    // ORGANIZATION_CREATION defaults to administrators of an existing organization.
    await addMember(db, (await createTestOrganization(db, "Seed")).id, account.id, { role: "administrator" });
    const current = {
      id: account.id,
      email: account.email,
      name: account.name,
      locale: null,
      passwordIsTemporary: false,
    };
    const [a, b] = await Promise.all([
      createOrganization(current, { name: "Northwind" }, meta),
      createOrganization(current, { name: "Northwind" }, meta),
    ]);
    expect(new Set([a.slug, b.slug])).toEqual(new Set(["northwind", "northwind-2"]));
    const mine = (await listMyOrganizations(account.id)).filter((o) => o.isOwner);
    expect(mine.map((o) => o.slug).sort()).toEqual(["northwind", "northwind-2"]);
    expect(mine.every((o) => o.isOwner && o.role === "administrator")).toBe(true);
  });

  it("an account with a temporary password cannot create one", async () => {
    const account = await createAccount(t.db());
    await expectDomainError(
      createOrganization(
        { id: account.id, email: account.email, name: account.name, locale: null, passwordIsTemporary: true },
        { name: "Nope" },
        meta,
      ),
      "forbidden",
    );
  });

  it("lists only active memberships", async () => {
    const db = t.db();
    const { org } = await createOrganizationWithOwner(db, "Globex");
    const member = await createAccount(db);
    await addMember(db, org.id, member.id, { role: "user", status: "disabled" });
    expect(await listMyOrganizations(member.id)).toEqual([]);
  });
});

describe("database constraints", () => {
  it("allow one owner per organization", async () => {
    const db = t.db();
    const { org } = await createOrganizationWithOwner(db);
    const other = await createAccount(db);
    const error = await addMember(db, org.id, other.id, { isOwner: true }).catch((e: unknown) => e);
    expect(isUniqueViolation(error, "memberships_one_owner_per_organization")).toBe(true);
  });

  it("keep addresses unique whatever their case", async () => {
    const db = t.db();
    const email = uniqueEmail("Case");
    await createAccount(db, { email });
    const error = await createAccount(db, { email: email.toUpperCase() }).catch((e: unknown) => e);
    expect(isUniqueViolation(error, "accounts_email_normalized_key")).toBe(true);
  });

  it("refuse a privileged member without an access expiry", async () => {
    const db = t.db();
    const { org } = await createOrganizationWithOwner(db);
    const other = await createAccount(db);
    const error = await addMember(db, org.id, other.id, { tags: ["privileged"] }).catch((e: unknown) => e);
    expect(violatedConstraint(error)).toBe("memberships_privileged_requires_expiry");
    await expect(
      addMember(db, org.id, other.id, { tags: ["privileged"], accessExpiresAt: new Date(Date.now() + 3_600_000) }),
    ).resolves.toBeTruthy();
  });

  it("allow one pending invitation per organization and address", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db);
    const invitee = await createAccount(db);
    const values = {
      organizationId: org.id,
      accountId: invitee.id,
      email: invitee.email,
      emailNormalized: invitee.emailNormalized,
      role: "administrator" as const,
      invitedByAccountId: owner.id,
      keyHash: "1".repeat(64),
      expiresAt: new Date(Date.now() + 86_400_000),
      locale: "en" as const,
      passwordDelivery: "none" as const,
    };
    await db.insert(invitations).values(values);
    const error = await db
      .insert(invitations)
      .values(values)
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error, "invitations_one_pending_per_address")).toBe(true);
    await db.insert(invitations).values({ ...values, status: "revoked" });
  });
});

describe.runIf(usingPostgres)("the PostgreSQL client", () => {
  it("runs queries as prepared statements, in and out of transactions, and reuses them", async () => {
    // One connection, so the session's prepared statements are the ones this test made.
    const handle = await openPostgres(t.url()!, { migrate: false, max: 1 });
    try {
      const db = handle.db;
      const byEmail = (email: string) =>
        db.select({ id: accounts.id }).from(accounts).where(eq(accounts.emailNormalized, email));
      await byEmail("a@example.com");
      await byEmail("b@example.com");
      await db.transaction(async (tx) => {
        await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, "none"));
        await tx.transaction(async (inner) => {
          await inner.select({ id: memberships.id }).from(memberships).where(eq(memberships.role, "user"));
        });
      });
      const statements = rowsOf<{ statement: string }>(
        await db.execute(sql`select statement from pg_prepared_statements`),
      ).map((r) => r.statement);
      expect(statements.filter((s) => s.includes('from "accounts"'))).toHaveLength(1);
      expect(statements.some((s) => s.includes('from "organizations"'))).toBe(true);
      expect(statements.some((s) => s.includes('from "memberships"'))).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
