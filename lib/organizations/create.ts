import "server-only";
import { eq, like, or } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { memberships, organizations, organizationSettings } from "@/db/schema";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { isUniqueViolation } from "@/lib/errors";
import { firstFreeSlug, slugify } from "./slug";

export type CreatedOrganization = { id: string; slug: string; name: string };

/**
 * Inside the caller's transaction: the organization, its default settings and its owner's
 * active administrator membership, audited. The slug is the name's, made unique.
 */
export async function insertOrganizationWithOwner(
  tx: Transaction,
  input: { name: string; ownerAccountId: string; actor: AuditInput["actor"] },
): Promise<CreatedOrganization> {
  const base = slugify(input.name);
  const taken = await tx
    .select({ slug: organizations.slug })
    .from(organizations)
    .where(or(eq(organizations.slug, base), like(organizations.slug, `${base}-%`)));
  const slug = firstFreeSlug(base, new Set(taken.map((r) => r.slug)));

  const [org] = await tx
    .insert(organizations)
    .values({ name: input.name, slug })
    .returning({ id: organizations.id, slug: organizations.slug, name: organizations.name });
  if (!org) throw new Error("organization insert returned no row");
  await tx.insert(organizationSettings).values({ organizationId: org.id });
  const [membership] = await tx
    .insert(memberships)
    .values({
      organizationId: org.id,
      accountId: input.ownerAccountId,
      role: "administrator",
      status: "active",
      isOwner: true,
      joinedAt: new Date(),
    })
    .returning({ id: memberships.id });
  await recordAudit(tx, {
    organizationId: org.id,
    actor: input.actor,
    action: "organization.created",
    target: { type: "organization", id: org.id, label: org.name },
    details: { ownerMembershipId: membership?.id },
  });
  return org;
}

/** Runs a transaction again when two creations raced for the same slug. */
export async function retryOnSlugConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 4 || !isUniqueViolation(error, "organizations_slug_key")) throw error;
    }
  }
}
