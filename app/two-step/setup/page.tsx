import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/sign-in/actions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getCurrentAccount } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/security/redirects";
import { hasTwoStep } from "@/lib/two-step";
import { SetupFlow } from "./setup-flow";

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
    <main className="mx-auto max-w-lg px-6 py-16">
      <Card>
        <h1 className="text-2xl font-semibold">{t("setupTitle")}</h1>
        <p className="mt-2 text-sm text-slate-700">{enrolled ? t("setupAnother") : t("setupIntro")}</p>
        <SetupFlow email={account.email} next={back} />
        <form action={signOutAction} className="mt-4">
          <Button type="submit" variant="ghost" className="w-full">
            {(await getTranslations("password"))("signOut")}
          </Button>
        </form>
      </Card>
    </main>
  );
}
