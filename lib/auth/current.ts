import "server-only";
import { and, eq } from "drizzle-orm";
import { cache } from "react";
import { getDb } from "@/db/client";
import { accounts, memberships, organizations } from "@/db/schema";
import type { AppLocale } from "@/lib/i18n/config";
import type { Actor } from "./actor";
import { readSessionToken } from "./session-token";
import { getRequestMeta } from "./request-meta";

export type CurrentAccount = {
  id: string;
  email: string;
  name: string;
  locale: AppLocale | null;
  passwordIsTemporary: boolean;
};

/**
 * The signed-in account, re-checked against the database on every request: a disabled account
 * or a session older than the account's session version (password changed) is signed out.
 */
export const getCurrentAccount = cache(async (): Promise<CurrentAccount | null> => {
  const session = await readSessionToken();
  if (!session) return null;
  const id = session.accountId;
  const db = await getDb();
  const [row] = await db
    .select({
      id: accounts.id,
      email: accounts.email,
      name: accounts.name,
      locale: accounts.locale,
      passwordIsTemporary: accounts.passwordIsTemporary,
      status: accounts.status,
      sessionVersion: accounts.sessionVersion,
    })
    .from(accounts)
    .where(eq(accounts.id, id));
  if (!row || row.status !== "active" || row.sessionVersion !== session.sessionVersion) return null;
  return { id: row.id, email: row.email, name: row.name, locale: row.locale, passwordIsTemporary: row.passwordIsTemporary };
});

export type MembershipAccess =
  | { kind: "signed-out" }
  | { kind: "temporary-password" }
  | { kind: "not-member" }
  | { kind: "expired"; organizationName: string; expiredAt: Date }
  | { kind: "ok"; actor: Actor };

/** The current account's access to an organization, by slug: one query after the account's. */
export const getMembershipAccess = cache(async (slug: string): Promise<MembershipAccess> => {
  const account = await getCurrentAccount();
  if (!account) return { kind: "signed-out" };
  if (account.passwordIsTemporary) return { kind: "temporary-password" };
  const db = await getDb();
  const [row] = await db
    .select({
      organizationId: organizations.id,
      organizationSlug: organizations.slug,
      organizationName: organizations.name,
      membershipId: memberships.id,
      role: memberships.role,
      status: memberships.status,
      isOwner: memberships.isOwner,
      accessExpiresAt: memberships.accessExpiresAt,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(organizations.slug, slug), eq(memberships.accountId, account.id)));
  if (!row || row.status !== "active") return { kind: "not-member" };
  if (row.accessExpiresAt && row.accessExpiresAt.getTime() <= Date.now()) {
    return { kind: "expired", organizationName: row.organizationName, expiredAt: row.accessExpiresAt };
  }
  return {
    kind: "ok",
    actor: {
      accountId: account.id,
      email: account.email,
      name: account.name,
      locale: account.locale,
      organizationId: row.organizationId,
      organizationSlug: row.organizationSlug,
      organizationName: row.organizationName,
      membershipId: row.membershipId,
      role: row.role,
      isOwner: row.isOwner,
      accessExpiresAt: row.accessExpiresAt,
      meta: await getRequestMeta(),
    },
  };
});
