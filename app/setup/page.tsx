import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { isSetupComplete } from "@/lib/setup/first-run";
import { SetupForm } from "./setup-form";
import { CardPage } from "@/components/ui/card-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("setup"))("title") };
}

export default async function SetupPage() {
  await connection();
  // Gone for good once the first organization exists.
  if (await isSetupComplete()) notFound();
  const t = await getTranslations("setup");
  return (
    <CardPage title={t("title")} intro={t("intro")}>
      <SetupForm />
    </CardPage>
  );
}
