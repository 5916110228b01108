import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import { InvitationKeyForm } from "./invitation-key-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("invite"))("manualTitle"), referrer: "no-referrer" };
}

/** The invitation ID and key typed or pasted by hand, for when the link cannot be clicked. */
export default async function InvitationByHandPage() {
  const t = await getTranslations("invite");
  return (
    <main className="mx-auto max-w-md px-6 py-16">
      <Card>
        <h1 className="text-2xl font-semibold">{t("manualTitle")}</h1>
        <p className="mt-2 text-sm text-slate-700">{t("manualIntro")}</p>
        <InvitationKeyForm />
      </Card>
    </main>
  );
}
