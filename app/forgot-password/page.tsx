import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ForgotPasswordForm } from "./forgot-password-form";
import { CardPage } from "@/components/ui/card-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("password"))("forgotTitle") };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("password");
  return (
    <CardPage>
      <ForgotPasswordForm title={t("forgotTitle")} />
    </CardPage>
  );
}
