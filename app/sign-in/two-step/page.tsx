import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { openPendingSignIn } from "@/lib/auth/second-step";
import { readSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { availableSecondSteps } from "@/lib/two-step";
import { cancelSecondStepAction } from "./actions";
import { SecondStepForm } from "./second-step-form";
import { CardPage, CardPageExit } from "@/components/ui/card-page";

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
    <CardPage title={t("secondStep.title")}>
      <SecondStepForm totp={methods.totp} passkey={methods.passkey} recovery={methods.recoveryCodes > 0} />
      <CardPageExit action={cancelSecondStepAction} label={t("secondStep.startOver")} />
    </CardPage>
  );
}
