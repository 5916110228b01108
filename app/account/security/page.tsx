import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { signOutEverywhereAction } from "@/app/sign-in/actions";
import { Button } from "@/components/ui/button";
import { CardSection } from "@/components/ui/card";
import { getCurrentAccount } from "@/lib/auth/current";
import { readSessionToken } from "@/lib/auth/session-token";
import { listFactors, listRecentSignIns, recoveryCodeStatus } from "@/lib/two-step";
import { FactorList } from "./factor-list";
import { AddMethods, RegenerateRecoveryCodes } from "./recovery-section";
import { DataTable } from "@/components/ui/data-table";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("two-step"))("securityTitle") };
}

/** The signed-in account's security: two-step methods, recovery codes, recent sign-ins, sign out everywhere. */
export default async function AccountSecurityPage() {
  await connection();
  const account = await getCurrentAccount();
  if (!account) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/account/security")}`);
  if (account.passwordIsTemporary) redirect("/change-password");
  const session = await readSessionToken();
  const [t, format, factors, codes, signIns] = await Promise.all([
    getTranslations("two-step"),
    getFormatter(),
    listFactors(account),
    recoveryCodeStatus(account),
    listRecentSignIns(account, session?.sessionId ?? null),
  ]);
  const when = (date: Date) => format.dateTime(date, { dateStyle: "medium", timeStyle: "short" });
  const rows = factors.map((f) => ({
    id: f.id,
    kind: f.kind,
    name: f.name,
    added: when(f.createdAt),
    lastUsed: f.lastUsedAt ? when(f.lastUsedAt) : null,
  }));

  return (
    <main className="mx-auto max-w-4xl space-y-6 px-6 py-12">
      <div>
        <Link href="/" className="text-sm text-slate-700 underline">
          {t("back")}
        </Link>
        <h1 className="mt-3 text-2xl font-semibold">{t("securityTitle")}</h1>
        <p className="mt-1 text-sm text-slate-700">{t("securityIntro", { email: account.email })}</p>
      </div>

      <CardSection title={t("twoStepTitle")} intro={rows.length > 0 ? t("statusOn") : t("statusOff")}>
        <FactorList factors={rows} />
        <AddMethods email={account.email} />
      </CardSection>

      <CardSection
        title={t("recoveryTitle")}
        intro={codes.total > 0 ? t("recoveryRemaining", codes) : t("recoveryNone")}
      >
        {codes.total > 0 && <RegenerateRecoveryCodes email={account.email} />}
      </CardSection>

      <CardSection title={t("signInsTitle")}>
        <DataTable
          className="mt-4"
          caption={t("signInsCaption")}
          columns={[t("when"), t("address"), t("device"), t("status")]}
        >
          {signIns.map((s) => (
            <tr key={s.id}>
              <td className="nowrap">{when(s.at)}</td>
              <td className="font-mono">{s.ip ?? t("unknown")}</td>
              <td>
                {t("deviceValue", {
                  browser: s.device.browser ?? t("unknown"),
                  os: s.device.os ?? t("unknown"),
                })}
              </td>
              <td>{s.current ? t("thisBrowser") : s.active ? t("active") : t("ended")}</td>
            </tr>
          ))}
        </DataTable>
        <form action={signOutEverywhereAction} className="mt-4">
          <Button type="submit" variant="secondary" aria-describedby="sign-out-everywhere-hint">
            {t("signOutEverywhere")}
          </Button>
        </form>
        <p id="sign-out-everywhere-hint" className="mt-1 text-xs text-slate-600">
          {t("signOutEverywhereHint")}
        </p>
      </CardSection>
    </main>
  );
}
