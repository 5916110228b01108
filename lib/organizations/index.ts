import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { memberships, organizations } from "@/db/schema";
import type { CurrentAccount } from "@/lib/auth/current";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { env } from "@/lib/env";
import { DomainError, forbidden } from "@/lib/errors";
import { countedState, rateLimitHitSql, type RateLimitRule } from "@/lib/security/rate-limit";
import type { CreateOrganizationInput } from "@/lib/validations/auth";
import { insertOrganizationWithOwner, retryOnSlugConflict, type CreatedOrganization } from "./create";

export type OrganizationSummary = {
  id: string;
  slug: string;
  name: string;
  role: "administrator" | "user";
  isOwner: boolean;
  accessExpiresAt: Date | null;
};

/** Organizations one account may create; counted before the organization is written. */
export const ORGANIZATION_CREATION_LIMIT: RateLimitRule = { limit: 5, windowSeconds: 24 * 60 * 60 };

export const organizationCreationKey = (accountId: string) => `org-create:${accountId}`;

/** The organizations where the account is an active member, by name. */
export async function listMyOrganizations(accountId: string): Promise<OrganizationSummary[]> {
  const db = await getDb();
  return db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      role: memberships.role,
      isOwner: memberships.isOwner,
      accessExpiresAt: memberships.accessExpiresAt,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.accountId, accountId), eq(memberships.status, "active")))
    .orderBy(asc(organizations.name), asc(organizations.slug));
}

/**
 * Whether ORGANIZATION_CREATION lets an account whose active memberships are `organizations`
 * create one: decides where the New organization link and form appear. `createOrganization`
 * decides again, from the database, in its own transaction.
 */
export function mayCreateOrganization(
  organizations: Pick<OrganizationSummary, "role" | "accessExpiresAt">[],
  now = Date.now(),
): boolean {
  switch (env.ORGANIZATION_CREATION) {
    case "anyone":
      return true;
    case "setup-only":
      return false;
    case "administrators":
      return organizations.some(
        (o) => o.role === "administrator" && (o.accessExpiresAt === null || o.accessExpiresAt.getTime() > now),
      );
  }
}

const creationNotAllowed = () => new DomainError("orgs.creationNotAllowed", { status: 403 });

/**
 * For a signed-in account with a permanent password that ORGANIZATION_CREATION allows (under
 * `administrators`: an active administrator of an existing organization; under `setup-only`:
 * nobody): creates an organization it owns. One transaction whose first statement re-checks
 * that permission and counts the creation against ORGANIZATION_CREATION_LIMIT; a refused
 * creation writes nothing.
 */
export async function createOrganization(
  account: CurrentAccount,
  input: CreateOrganizationInput,
  meta: RequestMeta,
): Promise<CreatedOrganization> {
  if (account.passwordIsTemporary) throw forbidden();
  const policy = env.ORGANIZATION_CREATION;
  if (policy === "setup-only") throw creationNotAllowed();
  const allowed =
    policy === "anyone"
      ? sql`true`
      : sql`exists (
          select 1 from memberships m
          where m.account_id = ${account.id} and m.role = 'administrator' and m.status = 'active'
            and (m.access_expires_at is null or m.access_expires_at > now()))`;
  const db = await getDb();
  return retryOnSlugConflict(() =>
    db.transaction(async (tx) => {
      // Counted first, in the transaction: parallel creations queue on the counter's row, and a
      // refused one rolls its count back.
      const [hit] = rowsOf<{ hits: number; window_started_at: string | Date }>(
        await tx.execute(rateLimitHitSql(organizationCreationKey(account.id), ORGANIZATION_CREATION_LIMIT, allowed)),
      );
      if (!hit) throw creationNotAllowed();
      const limit = countedState(Number(hit.hits), new Date(hit.window_started_at), ORGANIZATION_CREATION_LIMIT);
      if (!limit.allowed) {
        throw new DomainError("orgs.creationRateLimited", {
          status: 429,
          params: { hours: Math.max(1, Math.ceil(limit.retryAfterSeconds / 3600)) },
        });
      }
      return insertOrganizationWithOwner(tx, {
        name: input.name,
        ownerAccountId: account.id,
        actor: { accountId: account.id, name: account.name, email: account.email, meta },
      });
    }),
  );
}
