import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireActor } from "@/lib/auth/require";
import { getSettings } from "@/lib/settings/read";
import { SettingsForm } from "./settings-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("generalTitle") };
}

export default async function GeneralSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requireActor((await params).slug, "settings:manage");
  const [settings, t, ts] = await Promise.all([
    getSettings(actor),
    getTranslations("admin"),
    getTranslations("settings"),
  ]);
  return (
    <div className="max-w-2xl">
      <h1 className="text-2xl font-semibold">{t("generalTitle")}</h1>
      <p className="mt-2 text-slate-700">{ts("intro")}</p>
      <SettingsForm organizationSlug={actor.organizationSlug} initial={settings} />
    </div>
  );
}
