import { getTranslations } from "next-intl/server";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/require";

export default async function OrganizationOverview({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requireActor((await params).slug);
  const t = await getTranslations("orgs");
  return (
    <div>
      <h1 className="text-2xl font-semibold">{actor.organizationName}</h1>
      <p className="mt-2 text-slate-700">
        {can(actor, "admin:access")
          ? t("overviewAdmin", { organization: actor.organizationName })
          : t("overviewMember", { organization: actor.organizationName })}
      </p>
    </div>
  );
}
