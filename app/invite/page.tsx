import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InvitationKeyForm } from "./invitation-key-form";
import { CardPage } from "@/components/ui/card-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("invite"))("manualTitle"), referrer: "no-referrer" };
}

/** The invitation ID and key typed or pasted by hand, for when the link cannot be clicked. */
export default async function InvitationByHandPage() {
  const t = await getTranslations("invite");
  return (
    <CardPage title={t("manualTitle")} intro={t("manualIntro")}>
      <InvitationKeyForm />
    </CardPage>
  );
}
