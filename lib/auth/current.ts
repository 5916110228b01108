import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { cache } from "react";
import { getDb } from "@/db/client";
import { accounts, memberships, organizations, sessions } from "@/db/schema";
import type { AppLocale } from "@/lib/i18n/config";
import { isSlugShaped } from "@/lib/organizations/slug";
import type { Actor } from "./actor";
import { readSessionToken, type SessionToken } from "./session-token";
import { getRequestMeta } from "./request-meta";

export type CurrentAccount = {
  id: string;
  email: string;
  name: string;
  locale: AppLocale | null;
  /** IANA zone chosen on the account page; null: the browser's. */
  timeZone?: string | null;
  passwordIsTemporary: boolean;
};

const accountColumns = {
  id: accounts.id,
  email: accounts.email,
  name: accounts.name,
  locale: accounts.locale,
  timeZone: accounts.timeZone,
  passwordIsTemporary: accounts.passwordIsTemporary,
  sessionVersion: accounts.sessionVersion,
};

/**
 * Joins the token's session row to its account: no row comes back unless the session exists,
 * belongs to the token's account, is not revoked (signed out) and has not expired. Part of the
 * one query each request runs, so a revoked session is refused at its very next request.
 */
function liveSession(session: SessionToken) {
  return and(
    eq(sessions.id, session.sessionId),
    eq(sessions.accountId, accounts.id),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, sql`now()`),
  );
}

type AccountRow = CurrentAccount & { sessionVersion: number };

/** The account a session names, if the session is still valid: its version is the account's current one. */
function validAccount(row: AccountRow | undefined, session: { sessionVersion: number }): CurrentAccount | null {
  if (!row || row.sessionVersion !== session.sessionVersion) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    timeZone: row.timeZone,
    passwordIsTemporary: row.passwordIsTemporary,
  };
}

/**
 * The signed-in account, re-checked against the database on every request: a signed-out,
 * revoked or expired session, or a session older than the account's session version (password
 * changed, sessions ended) is signed out.
 */
export const getCurrentAccount = cache(async (): Promise<CurrentAccount | null> => {
  const session = await readSessionToken();
  if (!session) return null;
  const db = await getDb();
  const [row] = await db
    .select(accountColumns)
    .from(accounts)
    .innerJoin(sessions, liveSession(session))
    .where(eq(accounts.id, session.accountId));
  return validAccount(row, session);
});

export type MembershipAccess =
  | { kind: "signed-out" }
  | { kind: "temporary-password" }
  | { kind: "not-member" }
  | { kind: "expired"; organizationName: string; expiredAt: Date }
  | { kind: "two-step-required"; organizationSlug: string }
  | { kind: "ok"; actor: Actor };

/**
 * The current account's access to an organization, by slug: one query reads the session's row
 * and account (the same checks as `getCurrentAccount`) with its membership of that organization,
 * and whether the organization requires two-step verification of an administrator who has no
 * confirmed factor (held on the enrollment page until it has one).
 */
export const getMembershipAccess = cache(async (slug: string): Promise<MembershipAccess> => {
  const session = await readSessionToken();
  if (!session) return { kind: "signed-out" };
  // A slug from the URL that no organization can have (a NUL byte, which the database refuses,
  // or any other character slugs never hold) names no organization.
  if (!isSlugShaped(slug)) return { kind: "not-member" };
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
      // Spelled out: inside a select list the ORM would leave the outer columns unqualified.
      twoStepHeld: sql<boolean>`coalesce(memberships.role = 'administrator'
        and exists (select 1 from organization_settings s
          where s.organization_id = organizations.id and s.two_step_requirement = 'required')
        and not exists (select 1 from two_step_factors f
          where f.account_id = accounts.id and f.confirmed_at is not null), false)`,
    })
    .from(accounts)
    .innerJoin(sessions, liveSession(session))
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
  if (row.twoStepHeld) return { kind: "two-step-required", organizationSlug: row.organizationSlug };
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
