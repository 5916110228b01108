import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/actor";
import { getCurrentAccount } from "@/lib/auth/current";
import { requireOrgAccess } from "@/lib/auth/require";
import { accessEndingSoon } from "@/lib/members/access";
import { listMyOrganizations, mayCreateOrganization } from "@/lib/organizations";
import { organizationTitleTemplate } from "./title";

/** Tab titles under an organization read "Users · Acme — Gatehouse" (see organizationTitleTemplate). */
export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  const access = await requireOrgAccess(slug);
  const organization = access.kind === "ok" ? access.actor.organizationName : access.organizationName;
  return { title: { default: organization, template: await organizationTitleTemplate(slug) } };
}

export default async function OrganizationLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  await connection();
  const { slug } = await params;
  const access = await requireOrgAccess(slug);
  const account = await getCurrentAccount();
  const organizations = account ? await listMyOrganizations(account.id) : [];

  if (access.kind === "expired") {
    const [t, format] = await Promise.all([getTranslations("orgs"), getFormatter()]);
    return (
      <main className="mx-auto max-w-lg px-6 py-24">
        <Card>
          <h1 className="text-xl font-semibold">{t("accessExpiredTitle")}</h1>
          <p className="mt-2 text-slate-700">
            {t("accessExpiredBody", {
              organization: access.organizationName,
              date: format.dateTime(access.expiredAt, { dateStyle: "long", timeStyle: "short" }),
            })}
          </p>
        </Card>
      </main>
    );
  }

  const { actor } = access;
  const endsAt = accessEndingSoon(actor);
  const [tu, format] = await Promise.all([getTranslations("users"), getFormatter()]);
  return (
    <AppShell
      organization={{ slug: actor.organizationSlug, name: actor.organizationName }}
      organizations={organizations.map((o) => ({ slug: o.slug, name: o.name }))}
      accountName={actor.name}
      showAdministration={can(actor, "admin:access")}
      showNewOrganization={mayCreateOrganization(organizations)}
    >
      {endsAt && (
        <Alert tone="warning" role="status" className="mb-6">
          {tu("accessEndingSoon", {
            organization: actor.organizationName,
            date: format.dateTime(endsAt, { dateStyle: "long", timeStyle: "short" }),
          })}
        </Alert>
      )}
      {children}
    </AppShell>
  );
}
