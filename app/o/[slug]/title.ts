import { getTranslations } from "next-intl/server";
import { requireOrgAccess } from "@/lib/auth/require";

/**
 * The title template of pages under an organization: "%s · Acme — Gatehouse". Next.js applies a
 * layout's template to the segments below it only, and a layout that names itself with a plain
 * string ends the template for its children, so the layouts that name a page pass it on. Every
 * `%s` of a template is substituted, so one in the organization's name is kept from being read
 * as the placeholder.
 */
export async function organizationTitleTemplate(slug: string): Promise<string> {
  const access = await requireOrgAccess(slug);
  const organization = (access.kind === "ok" ? access.actor.organizationName : access.organizationName).replaceAll(
    "%s",
    "%\u200bs",
  );
  const appName = (await getTranslations("common"))("appName");
  return `%s · ${organization} — ${appName}`;
}
