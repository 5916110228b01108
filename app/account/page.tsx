import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { signOutEverywhereAction } from "@/app/sign-in/actions";
import { ClientMessages } from "@/components/i18n/client-messages";
import { Button } from "@/components/ui/button";
import { CardSection } from "@/components/ui/card";
import { getAccountProfile } from "@/lib/account/profile";
import { getCurrentAccount } from "@/lib/auth/current";
import { AccountPasswordForm } from "./password-form";
import { AccountPreferencesForm } from "./preferences-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("account"))("title") };
}

/** The signed-in account's own page: name, language, time zone, password, and its sessions. */
export default async function AccountPage() {
  await connection();
  const account = await getCurrentAccount();
  if (!account) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/account")}`);
  if (account.passwordIsTemporary) redirect("/change-password");
  const [profile, t, tn] = await Promise.all([
    getAccountProfile(account),
    getTranslations("account"),
    getTranslations("nav"),
  ]);
  return (
    <main id="content" className="mx-auto max-w-2xl space-y-6 px-4 py-10">
      <p>
        <Link href="/" className="text-sm text-slate-700 underline hover:text-slate-900">
          {t("backToConsole")}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <ClientMessages namespaces={["account", "password"]}>
        <CardSection title={t("profileTitle")}>
          <AccountPreferencesForm
            email={profile.email}
            initial={{ name: profile.name, locale: profile.locale ?? "", timeZone: profile.timeZone ?? "" }}
            timeZones={Intl.supportedValuesOf("timeZone")}
          />
        </CardSection>
        <CardSection title={t("passwordTitle")} intro={t("passwordIntro")}>
          <AccountPasswordForm minLength={profile.minPasswordLength} />
        </CardSection>
      </ClientMessages>
      <CardSection title={t("sessionsTitle")} intro={t("sessionsIntro")}>
        <div className="mt-4 flex flex-wrap items-center gap-3">
          <Button asChild variant="secondary">
            <Link href="/account/security">{t("securityLink")}</Link>
          </Button>
          <form action={signOutEverywhereAction}>
            <Button type="submit" variant="danger" aria-describedby="account-sign-out-everywhere-hint">
              {tn("signOutEverywhere")}
            </Button>
          </form>
        </div>
        <p id="account-sign-out-everywhere-hint" className="mt-2 text-xs text-slate-600">
          {tn("signOutEverywhereHint")}
        </p>
      </CardSection>
    </main>
  );
}
