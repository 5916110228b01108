import { getTranslations } from "next-intl/server";
import { requireActor } from "@/lib/auth/require";

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await requireActor((await params).slug, "audit:read");
  const [t, tc] = await Promise.all([getTranslations("admin"), getTranslations("common")]);
  return (
    <div>
      <h1 className="text-2xl font-semibold">{t("auditTitle")}</h1>
      <p className="mt-2 text-slate-600">{tc("comingSoon")}</p>
    </div>
  );
}
