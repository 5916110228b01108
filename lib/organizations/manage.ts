import "server-only";
import { and, count, eq, gt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { memberships, organizations, organizationSlugRedirects } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { DomainError, forbidden, isUniqueViolation } from "@/lib/errors";
import { isSlugShaped } from "./slug";
import type {
  DeleteOrganizationInput,
  OrganizationSlugInput,
  RenameOrganizationInput,
} from "@/lib/validations/organization";

/** How long a former URL name keeps redirecting to the organization. */
export const SLUG_REDIRECT_DAYS = 30;

const slugTaken = () => new DomainError("org-settings.slugTaken", { field: "slug", status: 409 });

/** For members with `settings:manage`: renames the organization, audited with before → after. */
export async function renameOrganization(
  actor: Actor,
  input: RenameOrganizationInput,
): Promise<{ name: string; changed: boolean }> {
  assertCan(actor, "settings:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "settings:manage");
    const [before] = await tx
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, actor.organizationId))
      .for("update");
    if (!before) throw forbidden();
    if (before.name === input.name) return { name: input.name, changed: false };
    await tx.update(organizations).set({ name: input.name }).where(eq(organizations.id, actor.organizationId));
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "organization.renamed",
      target: { type: "organization", id: actor.organizationId, label: input.name },
      details: { changes: { name: { from: before.name, to: input.name } } },
    });
    return { name: input.name, changed: true };
  });
}

/**
 * For members with `settings:manage`: gives the organization a new URL name. Refused when
 * another organization has it, or had it and it still redirects there. The former name
 * redirects here for 30 days. Audited with before → after.
 */
export async function changeOrganizationSlug(
  actor: Actor,
  input: OrganizationSlugInput,
): Promise<{ slug: string; changed: boolean }> {
  assertCan(actor, "settings:manage");
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      await lockActor(tx, actor, "settings:manage");
      const [before] = await tx
        .select({ slug: organizations.slug, name: organizations.name })
        .from(organizations)
        .where(eq(organizations.id, actor.organizationId))
        .for("update");
      if (!before) throw forbidden();
      if (before.slug === input.slug) return { slug: input.slug, changed: false };

      const [reserved] = await tx
        .select({ organizationId: organizationSlugRedirects.organizationId })
        .from(organizationSlugRedirects)
        .where(
          and(eq(organizationSlugRedirects.oldSlug, input.slug), gt(organizationSlugRedirects.expiresAt, sql`now()`)),
        );
      if (reserved && reserved.organizationId !== actor.organizationId) throw slugTaken();
      // Taking back a former name (or one whose redirect lapsed) ends its redirect.
      await tx.delete(organizationSlugRedirects).where(eq(organizationSlugRedirects.oldSlug, input.slug));
      const expiresAt = sql`now() + make_interval(days => ${SLUG_REDIRECT_DAYS})`;
      await tx
        .insert(organizationSlugRedirects)
        .values({ oldSlug: before.slug, organizationId: actor.organizationId, expiresAt })
        .onConflictDoUpdate({
          target: organizationSlugRedirects.oldSlug,
          set: { organizationId: actor.organizationId, expiresAt },
        });
      await tx.update(organizations).set({ slug: input.slug }).where(eq(organizations.id, actor.organizationId));
      await recordAudit(tx, {
        organizationId: actor.organizationId,
        actor,
        action: "organization.slug_changed",
        target: { type: "organization", id: actor.organizationId, label: before.name },
        details: { changes: { slug: { from: before.slug, to: input.slug } } },
      });
      return { slug: input.slug, changed: true };
    });
  } catch (error) {
    if (isUniqueViolation(error, "organizations_slug_key")) throw slugTaken();
    throw error;
  }
}

/**
 * For the organization's owner only, who types its name to confirm: deletes the organization and
 * with it (by cascade) every membership, invitation, setting and event of it; accounts stay.
 * Recorded in the deployment's log (no organization), with the name and URL name.
 */
export async function deleteOrganization(
  actor: Actor,
  input: DeleteOrganizationInput,
): Promise<{ name: string; slug: string }> {
  assertCan(actor, "settings:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "settings:manage");
    const [owner] = await tx
      .select({ isOwner: memberships.isOwner })
      .from(memberships)
      .where(and(eq(memberships.id, actor.membershipId), eq(memberships.organizationId, actor.organizationId)));
    if (!owner?.isOwner) throw forbidden();
    const [organization] = await tx
      .select({ name: organizations.name, slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, actor.organizationId))
      .for("update");
    if (!organization) throw forbidden();
    if (input.confirmName.trim() !== organization.name) {
      throw new DomainError("org-settings.confirmNameMismatch", { field: "confirmName" });
    }
    const [members] = await tx
      .select({ n: count() })
      .from(memberships)
      .where(eq(memberships.organizationId, actor.organizationId));
    await recordAudit(tx, {
      organizationId: null,
      actor,
      action: "organization.deleted",
      target: { type: "organization", id: actor.organizationId, label: organization.name },
      details: { name: organization.name, slug: organization.slug, membersRemoved: members?.n ?? 0 },
    });
    await tx.delete(organizations).where(eq(organizations.id, actor.organizationId));
    return organization;
  });
}

/**
 * The current URL name of the organization that used to be at `slug`, while that redirect lasts,
 * for an account that belongs to it (anyone else learns nothing); else null. Read only once a
 * slug names no organization, so the normal path costs no query.
 */
export async function findSlugRedirect(accountId: string, slug: string): Promise<string | null> {
  // A URL can carry anything (a NUL byte the database would refuse): only a slug's shape is looked up.
  if (!isSlugShaped(slug)) return null;
  const db = await getDb();
  const [row] = await db
    .select({ slug: organizations.slug })
    .from(organizationSlugRedirects)
    .innerJoin(organizations, eq(organizations.id, organizationSlugRedirects.organizationId))
    .innerJoin(memberships, and(eq(memberships.organizationId, organizations.id), eq(memberships.accountId, accountId)))
    .where(and(eq(organizationSlugRedirects.oldSlug, slug), gt(organizationSlugRedirects.expiresAt, sql`now()`)));
  return row?.slug ?? null;
}
