import "server-only";
import { notFound, redirect } from "next/navigation";
import { movedOrganizationPath } from "@/lib/organizations/moved";
import type { Permission } from "@/lib/permissions";
import { can, type Actor } from "./actor";
import { getMembershipAccess, type MembershipAccess } from "./current";

/** The enrollment page, where an administrator without a factor is held, and where it returns after. */
function twoStepSetupPath(returnTo: string): string {
  return `/two-step/setup?next=${encodeURIComponent(returnTo)}`;
}

/**
 * For pages under /o/[slug]: the actor, or the right response — sign-in, the change-password
 * page for a temporary password, the enrollment page for an administrator the organization
 * requires two-step verification of, 404 for a non-member (no hint that the organization
 * exists). An expired membership is returned for the layout to explain.
 */
export async function requireOrgAccess(slug: string): Promise<Extract<MembershipAccess, { kind: "ok" | "expired" }>> {
  const access = await getMembershipAccess(slug);
  if (access.kind === "signed-out") redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/o/${slug}`)}`);
  if (access.kind === "temporary-password") redirect("/change-password");
  if (access.kind === "two-step-required") redirect(twoStepSetupPath(`/o/${access.organizationSlug}`));
  if (access.kind === "not-member") {
    // A former URL name of one of the account's organizations redirects for a while after a change.
    const moved = await movedOrganizationPath(slug);
    if (moved) redirect(moved);
    notFound();
  }
  return access;
}

/** For pages that need a permission: a member without it gets the same 404 as a stranger. */
export async function requireActor(slug: string, permission?: Permission): Promise<Actor> {
  const access = await requireOrgAccess(slug);
  if (access.kind !== "ok") notFound();
  if (permission && !can(access.actor, permission)) notFound();
  return access.actor;
}
