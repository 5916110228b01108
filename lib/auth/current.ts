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

const accountColumns = {
  id: accounts.id,
  email: accounts.email,
  name: accounts.name,
  locale: accounts.locale,
  passwordIsTemporary: accounts.passwordIsTemporary,
  status: accounts.status,
  sessionVersion: accounts.sessionVersion,
};

/** The account a session names, if it is still valid: active, and the session's version current. */
type AccountRow = CurrentAccount & { status: "active" | "disabled"; sessionVersion: number };

function validAccount(row: AccountRow | undefined, session: { sessionVersion: number }): CurrentAccount | null {
  if (!row || row.status !== "active" || row.sessionVersion !== session.sessionVersion) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    passwordIsTemporary: row.passwordIsTemporary,
  };
}

/**
 * The signed-in account, re-checked against the database on every request: a disabled account
 * or a session older than the account's session version (password changed) is signed out.
 */
export const getCurrentAccount = cache(async (): Promise<CurrentAccount | null> => {
  const session = await readSessionToken();
  if (!session) return null;
  const db = await getDb();
  const [row] = await db.select(accountColumns).from(accounts).where(eq(accounts.id, session.accountId));
  return validAccount(row, session);
});

export type MembershipAccess =
  | { kind: "signed-out" }
  | { kind: "temporary-password" }
  | { kind: "not-member" }
  | { kind: "expired"; organizationName: string; expiredAt: Date }
  | { kind: "ok"; actor: Actor };

/**
 * The current account's access to an organization, by slug: one query reads the session's
 * account (the same checks as `getCurrentAccount`) with its membership of that organization.
 */
export const getMembershipAccess = cache(async (slug: string): Promise<MembershipAccess> => {
  const session = await readSessionToken();
  if (!session) return { kind: "signed-out" };
  const db = await getDb();
  const [row] = await db
    .select({
      account: accountColumns,
      organizationId: organizations.id,
      organizationSlug: organizations.slug,
      organizationName: organizations.name,
      membershipId: memberships.id,
      role: memberships.role,
      status: memberships.status,
      isOwner: memberships.isOwner,
      accessExpiresAt: memberships.accessExpiresAt,
    })
    .from(accounts)
    .leftJoin(organizations, eq(organizations.slug, slug))
    .leftJoin(
      memberships,
      and(eq(memberships.organizationId, organizations.id), eq(memberships.accountId, accounts.id)),
    )
    .where(eq(accounts.id, session.accountId));
  const account = validAccount(row?.account, session);
  if (!account) return { kind: "signed-out" };
  if (account.passwordIsTemporary) return { kind: "temporary-password" };
  if (
    !row ||
    !row.organizationId ||
    !row.organizationSlug ||
    !row.organizationName ||
    !row.membershipId ||
    !row.role ||
    row.status !== "active"
  ) {
    return { kind: "not-member" };
  }
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
      isOwner: row.isOwner ?? false,
      accessExpiresAt: row.accessExpiresAt,
      meta: await getRequestMeta(),
    },
  };
});
