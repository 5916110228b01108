import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CardSection } from "@/components/ui/card";
import { requireActor } from "@/lib/auth/require";
import { env } from "@/lib/env";
import { DeleteOrganizationForm, OrganizationSlugForm, RenameOrganizationForm } from "./organization-forms";

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  await requireActor((await params).slug, "settings:manage");
  return { title: (await getTranslations("org-settings"))("title") };
}

/** System Settings – Organization: rename, change the URL name, and (owner only) delete. */
export default async function OrganizationSettingsPage({ params }: { params: Params }) {
  const actor = await requireActor((await params).slug, "settings:manage");
  const t = await getTranslations("org-settings");
  const url = new URL(`/o/${actor.organizationSlug}`, env.APP_URL).toString();
  return (
    <div className="max-w-2xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-2 text-slate-700">{t("intro", { organization: actor.organizationName })}</p>
      </div>
      <CardSection title={t("nameTitle")}>
        <RenameOrganizationForm organizationSlug={actor.organizationSlug} name={actor.organizationName} />
      </CardSection>
      <CardSection title={t("slugTitle")}>
        <OrganizationSlugForm organizationSlug={actor.organizationSlug} url={url} />
      </CardSection>
      <CardSection title={t("deleteTitle")} className="ring-red-200" titleClassName="text-red-900">
        <p className="mt-2 text-sm text-slate-700">{t("deleteBody", { organization: actor.organizationName })}</p>
        {actor.isOwner ? (
          <DeleteOrganizationForm organizationSlug={actor.organizationSlug} name={actor.organizationName} />
        ) : (
          <p className="mt-3 text-sm font-medium text-slate-900">{t("deleteOwnerOnly")}</p>
        )}
      </CardSection>
    </div>
  );
}
