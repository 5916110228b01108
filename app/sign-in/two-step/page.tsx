import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { openPendingSignIn } from "@/lib/auth/second-step";
import { readSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { availableSecondSteps } from "@/lib/two-step";
import { cancelSecondStepAction } from "./actions";
import { SecondStepForm } from "./second-step-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("secondStep.title") };
}

/** After a correct password, for an account with a factor: the second step, before any session exists. */
export default async function SecondStepPage() {
  await connection();
  const pending = openPendingSignIn(await readSecondStepCookie());
  if (!pending) redirect("/sign-in");
  const [t, methods] = await Promise.all([getTranslations("auth"), availableSecondSteps(pending.accountId)]);
  return (
    <main className="mx-auto max-w-md px-6 py-16">
      <Card>
        <h1 className="text-2xl font-semibold">{t("secondStep.title")}</h1>
        <SecondStepForm totp={methods.totp} passkey={methods.passkey} recovery={methods.recoveryCodes > 0} />
        <form action={cancelSecondStepAction} className="mt-4">
          <Button type="submit" variant="ghost" className="w-full">
            {t("secondStep.startOver")}
          </Button>
        </form>
      </Card>
    </main>
  );
}
