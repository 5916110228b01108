import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/sign-in/actions";
import { getCurrentAccount } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/security/redirects";
import { hasTwoStep } from "@/lib/two-step";
import { SetupFlow } from "./setup-flow";
import { CardPage, CardPageExit } from "@/components/ui/card-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("two-step"))("setupTitle") };
}

/** Set up two-step verification: an authenticator app or a passkey, then the recovery codes of a first factor. */
export default async function TwoStepSetupPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  await connection();
  const { next } = await searchParams;
  const back = safeReturnPath(next);
  const account = await getCurrentAccount();
  if (!account)
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/two-step/setup?next=${encodeURIComponent(back)}`)}`);
  if (account.passwordIsTemporary) redirect("/change-password");
  const [t, enrolled] = await Promise.all([getTranslations("two-step"), hasTwoStep(account.id)]);
  return (
    <CardPage wide title={t("setupTitle")} intro={enrolled ? t("setupAnother") : t("setupIntro")}>
      <SetupFlow email={account.email} next={back} />
      <CardPageExit action={signOutAction} label={(await getTranslations("password"))("signOut")} />
    </CardPage>
  );
}
