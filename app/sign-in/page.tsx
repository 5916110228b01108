import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { getCurrentAccount } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/security/redirects";
import { isSetupComplete } from "@/lib/setup/first-run";
import { SignInForm } from "./sign-in-form";

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
    <main className="mx-auto max-w-md px-6 py-16">
      <Card>
        <h1 className="text-2xl font-semibold">{t("signInTitle")}</h1>
        <SignInForm callbackUrl={callbackUrl} />
        <p className="mt-4 text-sm">
          <Link href="/forgot-password" className="font-medium text-indigo-700 underline">
            {(await getTranslations("password"))("forgotLink")}
          </Link>
        </p>
      </Card>
    </main>
  );
}
