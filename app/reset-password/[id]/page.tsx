import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { NoticeCard } from "@/components/ui/notice-card";
import { CardPage } from "@/components/ui/card-page";
import { viewPasswordReset } from "@/lib/auth/password-reset";
import { ResetPasswordForm } from "./reset-password-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("password"))("resetTitle"), referrer: "no-referrer" };
}

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ key?: string | string[] }> };

/** The link of a reset email. Reading it changes nothing; Update Password is the POST that uses it. */
export default async function ResetPasswordPage({ params, searchParams }: Props) {
  await connection();
  const [{ id }, query, t] = await Promise.all([params, searchParams, getTranslations("password")]);
  const key = (Array.isArray(query.key) ? query.key[0] : query.key) ?? "";
  const view = await viewPasswordReset(id, key);

  if (view.state !== "valid") {
    return (
      <NoticeCard title={t(`${view.state}Title`)}>
        <p>{t("linkBody")}</p>
        <Link href="/forgot-password" className="inline-block font-medium text-indigo-700 underline">
          {t("requestNewLink")}
        </Link>
      </NoticeCard>
    );
  }
  return (
    <CardPage title={t("resetTitle")} intro={t("resetIntro", { email: view.email })}>
      <ResetPasswordForm resetId={id} resetKey={key} minLength={view.minPasswordLength} />
    </CardPage>
  );
}
