import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { memberships, organizations } from "@/db/schema";
import type { CurrentAccount } from "@/lib/auth/current";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { forbidden } from "@/lib/errors";
import type { CreateOrganizationInput } from "@/lib/validations/auth";
import { insertOrganizationWithOwner, retryOnSlugConflict, type CreatedOrganization } from "./create";

export type OrganizationSummary = {
  id: string;
  slug: string;
  name: string;
  role: "administrator" | "user";
  isOwner: boolean;
};

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
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.accountId, accountId), eq(memberships.status, "active")))
    .orderBy(asc(organizations.name), asc(organizations.slug));
}

/** Any signed-in account with a permanent password may create an organization; it becomes its owner. */
export async function createOrganization(
  account: CurrentAccount,
  input: CreateOrganizationInput,
  meta: RequestMeta,
): Promise<CreatedOrganization> {
  if (account.passwordIsTemporary) throw forbidden();
  const db = await getDb();
  return retryOnSlugConflict(() =>
    db.transaction((tx) =>
      insertOrganizationWithOwner(tx, {
        name: input.name,
        ownerAccountId: account.id,
        actor: { accountId: account.id, name: account.name, email: account.email, meta },
      }),
    ),
  );
}
