import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/sign-in/actions";
import { describeTemporaryPasswordChange } from "@/lib/auth/change-password";
import { getCurrentAccount } from "@/lib/auth/current";
import { ChangePasswordForm } from "./change-password-form";
import { CardPage, CardPageExit } from "@/components/ui/card-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("password"))("changeTitle") };
}

/** The only page an account with a temporary password may use. */
export default async function ChangePasswordPage() {
  await connection();
  const account = await getCurrentAccount();
  if (!account) redirect("/sign-in");
  if (!account.passwordIsTemporary) redirect("/");
  const [t, format, info] = await Promise.all([
    getTranslations("password"),
    getFormatter(),
    describeTemporaryPasswordChange(account),
  ]);
  return (
    <CardPage title={t("changeTitle")} intro={t("changeIntro")}>
      {info.joining.length > 0 && (
        <p className="mt-2 text-sm text-slate-700">
          {t("changeJoining", { organizations: format.list(info.joining, { type: "conjunction" }) })}
        </p>
      )}
      <ChangePasswordForm minLength={info.minPasswordLength} />
      <CardPageExit action={signOutAction} label={t("signOut")} />
    </CardPage>
  );
}
