import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { getCurrentAccount } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/security/redirects";
import { isSetupComplete } from "@/lib/setup/first-run";
import { SignInForm } from "./sign-in-form";
import { CardPage } from "@/components/ui/card-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signIn") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  await connection();
  if (!(await isSetupComplete())) redirect("/setup");
  const callbackUrl = safeReturnPath((await searchParams).callbackUrl);
  if (await getCurrentAccount()) redirect(callbackUrl);
  const t = await getTranslations("auth");
  return (
    <CardPage title={t("signInTitle")}>
      <SignInForm callbackUrl={callbackUrl} />
      <p className="mt-4 text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-700 underline">
          {(await getTranslations("password"))("forgotLink")}
        </Link>
      </p>
    </CardPage>
  );
}
