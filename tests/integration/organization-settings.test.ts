import { and, eq, isNull, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditEvents, memberships, organizations, organizationSlugRedirects } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import {
  changeOrganizationSlug,
  deleteOrganization,
  findSlugRedirect,
  renameOrganization,
  SLUG_REDIRECT_DAYS,
} from "@/lib/organizations/manage";
import { organizationSlugSchema } from "@/lib/validations/organization";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, countRows, createAccount, createOrganizationWithOwner } from "../support/factories";

const t = withTestDatabase();

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

async function organization(id: string) {
  const [row] = await t.db().select().from(organizations).where(eq(organizations.id, id));
  return row;
}

async function events(organizationId: string, action: string) {
  return t
    .db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.action, action)));
}

describe("renaming", () => {
  it("renames for a settings administrator, audited with before → after; a user is refused", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Acme");
    const admin = await actorFor(t.db(), (await addMember(t.db(), acme.org.id, (await createAccount(t.db())).id)).id);
    const user = await actorFor(
      t.db(),
      (await addMember(t.db(), acme.org.id, (await createAccount(t.db())).id, { role: "user" })).id,
    );
    expect((await refusal(renameOrganization(user, { name: "Hijacked" }))).code).toBe("forbidden");
    expect((await organization(acme.org.id))?.name).toBe("Acme");

    expect(await renameOrganization(admin, { name: "Acme Corp" })).toEqual({ name: "Acme Corp", changed: true });
    expect((await organization(acme.org.id))?.name).toBe("Acme Corp");
    const [event] = await events(acme.org.id, "organization.renamed");
    expect(event).toMatchObject({ actorAccountId: admin.accountId, targetLabel: "Acme Corp" });
    expect(event!.details).toEqual({ changes: { name: { from: "Acme", to: "Acme Corp" } } });
  });
});

describe("changing the URL name", () => {
  it("validates it as creation makes slugs", () => {
    expect(organizationSlugSchema.safeParse({ slug: "acme-corp-2" }).success).toBe(true);
    for (const slug of ["Acme", "acme corp", "-acme", "acme-", "acme--corp", "a".repeat(41), "café"]) {
      expect(organizationSlugSchema.safeParse({ slug }).success, slug).toBe(false);
    }
  });

  it("moves the organization, audited; the old URL redirects its members for 30 days, then not", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Moving");
    const stranger = await createAccount(t.db());
    const oldSlug = acme.org.slug;
    const newSlug = `moved-${Date.now().toString(36)}`;
    expect(await changeOrganizationSlug(acme.actor, { slug: newSlug })).toEqual({ slug: newSlug, changed: true });
    expect((await organization(acme.org.id))?.slug).toBe(newSlug);

    const [event] = await events(acme.org.id, "organization.slug_changed");
    expect(event!.details).toEqual({ changes: { slug: { from: oldSlug, to: newSlug } } });
    const [redirect] = await t
      .db()
      .select()
      .from(organizationSlugRedirects)
      .where(eq(organizationSlugRedirects.oldSlug, oldSlug));
    const days = (redirect!.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(SLUG_REDIRECT_DAYS - 0.01);
    expect(days).toBeLessThan(SLUG_REDIRECT_DAYS + 0.01);

    expect(await findSlugRedirect(acme.owner.id, oldSlug)).toBe(newSlug);
    // Someone outside the organization learns nothing from the old URL.
    expect(await findSlugRedirect(stranger.id, oldSlug)).toBeNull();
    await t
      .db()
      .update(organizationSlugRedirects)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(organizationSlugRedirects.oldSlug, oldSlug));
    expect(await findSlugRedirect(acme.owner.id, oldSlug)).toBeNull();
  });

  it("refuses a URL name another organization has, or had and still redirects, writing nothing", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Taken");
    const globex = await createOrganizationWithOwner(t.db(), "Globex");
    const before = await countRows(t.db());
    const taken = await refusal(changeOrganizationSlug(acme.actor, { slug: globex.org.slug }));
    expect(taken).toMatchObject({ code: "org-settings.slugTaken", options: { field: "slug" } });
    expect(await countRows(t.db())).toEqual(before);
    expect((await organization(acme.org.id))?.slug).toBe(acme.org.slug);
    expect(
      await t
        .db()
        .select()
        .from(organizationSlugRedirects)
        .where(eq(organizationSlugRedirects.organizationId, acme.org.id)),
    ).toEqual([]);

    const globexFormer = globex.org.slug;
    await changeOrganizationSlug(globex.actor, { slug: `${globexFormer}-new` });
    const reserved = await refusal(changeOrganizationSlug(acme.actor, { slug: globexFormer }));
    expect(reserved.code).toBe("org-settings.slugTaken");
    // Positive control: Globex may take its former name back, which ends that redirect.
    expect(await changeOrganizationSlug(globex.actor, { slug: globexFormer })).toMatchObject({ changed: true });
    expect(await findSlugRedirect(globex.owner.id, globexFormer)).toBeNull();
    expect(await findSlugRedirect(globex.owner.id, `${globexFormer}-new`)).toBe(globexFormer);
  });
});

describe("deleting the organization", () => {
  it("refuses an administrator who is not the owner, writing nothing", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Kept");
    const admin = await actorFor(t.db(), (await addMember(t.db(), acme.org.id, (await createAccount(t.db())).id)).id);
    const before = await countRows(t.db());
    expect((await refusal(deleteOrganization(admin, { confirmName: "Kept" }))).code).toBe("forbidden");
    expect(await countRows(t.db())).toEqual(before);
    expect(await organization(acme.org.id)).toBeDefined();
  });

  it("refuses the owner when the typed name is not the organization's", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Careful");
    const before = await countRows(t.db());
    const error = await refusal(deleteOrganization(acme.actor, { confirmName: "careful" }));
    expect(error).toMatchObject({ code: "org-settings.confirmNameMismatch", options: { field: "confirmName" } });
    expect(await countRows(t.db())).toEqual(before);
  });

  it("deletes it for the owner: every membership ends, accounts stay, recorded in the deployment log", async () => {
    const acme = await createOrganizationWithOwner(t.db(), "Doomed");
    const member = await createAccount(t.db());
    await addMember(t.db(), acme.org.id, member.id, { role: "user" });
    // The member's other organization is untouched.
    const globex = await createOrganizationWithOwner(t.db(), "Survivor");
    await addMember(t.db(), globex.org.id, member.id, { role: "user" });

    expect(await deleteOrganization(acme.actor, { confirmName: "Doomed" })).toEqual({
      name: "Doomed",
      slug: acme.org.slug,
    });
    expect(await organization(acme.org.id)).toBeUndefined();
    expect(await t.db().select().from(memberships).where(eq(memberships.organizationId, acme.org.id))).toEqual([]);
    const kept = await t.db().select({ id: accounts.id }).from(accounts);
    expect(kept.map((a) => a.id)).toEqual(expect.arrayContaining([acme.owner.id, member.id]));
    expect(await t.db().select().from(memberships).where(eq(memberships.organizationId, globex.org.id))).toHaveLength(
      2,
    );

    const logged = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(isNull(auditEvents.organizationId), eq(auditEvents.action, "organization.deleted")));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ actorAccountId: acme.owner.id, targetId: acme.org.id, targetLabel: "Doomed" });
    expect(logged[0]!.details).toEqual({ name: "Doomed", slug: acme.org.slug, membersRemoved: 2 });
  });
});
