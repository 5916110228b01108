import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/rows";
import type { Database } from "@/db/client";
import {
  accounts,
  memberships,
  organizations,
  organizationSettings,
  sessions,
  type MembershipRole,
  type MembershipStatus,
} from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";

// Data builders shared by integration tests and e2e fixtures. They write rows directly (no
// domain rules), so a test can set up any state, including ones the product would refuse.

export const DEFAULT_PASSWORD = "correct horse battery staple";

let counter = 0;
export function uniqueEmail(prefix = "person"): string {
  return `${prefix}.${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString("hex")}@example.com`;
}

/** Same preparation as lib/auth/hash-worker.mjs, at the low test cost. */
export function testPasswordHash(password: string): string {
  const prepared = createHash("sha256").update(password.normalize("NFKC"), "utf8").digest("base64");
  return bcrypt.hashSync(prepared, 4);
}

export async function createAccount(
  db: Database,
  overrides: Partial<typeof accounts.$inferInsert> & { password?: string } = {},
) {
  const { password = DEFAULT_PASSWORD, ...rest } = overrides;
  const email = rest.email ?? uniqueEmail();
  const [row] = await db
    .insert(accounts)
    .values({
      name: "Test Person",
      passwordHash: testPasswordHash(password),
      ...rest,
      email,
      emailNormalized: email.trim().toLowerCase(),
    })
    .returning();
  if (!row) throw new Error("no account");
  return row;
}

export async function createOrganization(db: Database, name = "Acme") {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(3).toString("hex")}`;
  const [org] = await db.insert(organizations).values({ name, slug }).returning();
  if (!org) throw new Error("no organization");
  await db.insert(organizationSettings).values({ organizationId: org.id });
  return org;
}

export async function addMember(
  db: Database,
  organizationId: string,
  accountId: string,
  options: {
    role?: MembershipRole;
    status?: MembershipStatus;
    isOwner?: boolean;
    accessExpiresAt?: Date | null;
    tags?: string[];
  } = {},
) {
  const [m] = await db
    .insert(memberships)
    .values({
      organizationId,
      accountId,
      role: options.role ?? "administrator",
      status: options.status ?? "active",
      isOwner: options.isOwner ?? false,
      accessExpiresAt: options.accessExpiresAt ?? null,
      tags: options.tags ?? [],
      joinedAt: new Date(),
    })
    .returning();
  if (!m) throw new Error("no membership");
  return m;
}

/** An organization with its owner (an active administrator), ready to act. */
export async function createOrganizationWithOwner(
  db: Database,
  name = "Acme",
  ownerOverrides: Parameters<typeof createAccount>[1] = {},
) {
  const org = await createOrganization(db, name);
  const owner = await createAccount(db, { name: "Olivia Owner", ...ownerOverrides });
  const membership = await addMember(db, org.id, owner.id, { isOwner: true });
  return { org, owner, membership, actor: await actorFor(db, membership.id) };
}

/**
 * A session row for the account and the claims its cookie would carry: what a test's stand-in
 * for `readSessionToken` returns to act as that account. Live for an hour unless overridden.
 */
export async function createSession(
  db: Database,
  accountId: string,
  overrides: Partial<typeof sessions.$inferInsert> & { sessionVersion?: number } = {},
): Promise<{ accountId: string; sessionVersion: number; sessionId: string }> {
  const { sessionVersion = 1, ...row } = overrides;
  const [session] = await db
    .insert(sessions)
    .values({ accountId, expiresAt: new Date(Date.now() + 3_600_000), ...row })
    .returning({ id: sessions.id });
  if (!session) throw new Error("no session");
  return { accountId, sessionVersion, sessionId: session.id };
}

/** The Actor of a membership, as the action helper would build it for a request. */
export async function actorFor(db: Database, membershipId: string): Promise<Actor> {
  const [row] = await db
    .select({ m: memberships, a: accounts, o: organizations })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.id, membershipId));
  if (!row) throw new Error("no such membership");
  return {
    accountId: row.a.id,
    email: row.a.email,
    name: row.a.name,
    locale: row.a.locale,
    organizationId: row.o.id,
    organizationSlug: row.o.slug,
    organizationName: row.o.name,
    membershipId: row.m.id,
    role: row.m.role,
    isOwner: row.m.isOwner,
    accessExpiresAt: row.m.accessExpiresAt,
    meta: { ip: "203.0.113.7", userAgent: "vitest" },
  };
}

/** Row counts of every table: a refused call must leave them all unchanged. */
export async function countRows(db: Database): Promise<Record<string, number>> {
  const tables = [
    "accounts",
    "organizations",
    "organization_settings",
    "memberships",
    "invitations",
    "password_resets",
    "email_outbox",
    "audit_events",
    "idempotency_records",
    "spent_password_sheets",
    "spent_challenges",
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const result = await db.execute(sql.raw(`select count(*)::int as n from ${table}`));
    out[table] = Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
  }
  return out;
}
