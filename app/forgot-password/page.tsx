import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import { ForgotPasswordForm } from "./forgot-password-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("password"))("forgotTitle") };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("password");
  return (
    <main className="mx-auto max-w-md px-6 py-16">
      <Card>
        <ForgotPasswordForm title={t("forgotTitle")} />
      </Card>
    </main>
  );
}
