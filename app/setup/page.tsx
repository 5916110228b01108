import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import { isSetupComplete } from "@/lib/setup/first-run";
import { SetupForm } from "./setup-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("setup"))("title") };
}

export default async function SetupPage() {
  await connection();
  // Gone for good once the first organization exists.
  if (await isSetupComplete()) notFound();
  const t = await getTranslations("setup");
  return (
    <main className="mx-auto max-w-md px-6 py-16">
      <Card>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("intro")}</p>
        <SetupForm />
      </Card>
    </main>
  );
}
