import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { CardPage } from "@/components/ui/card-page";
import { getCurrentAccount } from "@/lib/auth/current";
import { listMyOrganizations, mayCreateOrganization } from "@/lib/organizations";
import { NewOrganizationForm } from "./new-organization-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("orgs"))("newTitle") };
}

export default async function NewOrganizationPage() {
  await connection();
  const account = await getCurrentAccount();
  if (!account) redirect("/sign-in?callbackUrl=/orgs/new");
  if (account.passwordIsTemporary) redirect("/change-password");
  const [t, tc, orgs] = await Promise.all([
    getTranslations("orgs"),
    getTranslations("common"),
    listMyOrganizations(account.id),
  ]);
  const allowed = mayCreateOrganization(orgs);
  return (
    <CardPage>
      {!allowed ? (
        <>
          <h1 className="text-2xl font-semibold">{orgs.length ? t("newTitle") : t("noOrganizationsTitle")}</h1>
          <p className="mt-2 text-sm text-slate-600">
            {orgs.length ? t("creationNotAllowed") : t("noOrganizationsBodyInviteOnly")}
          </p>
        </>
      ) : (
        <>
          {orgs.length === 0 && (
            <div className="mb-6">
              <h2 className="font-semibold">{t("noOrganizationsTitle")}</h2>
              <p className="mt-1 text-sm text-slate-600">{t("noOrganizationsBody")}</p>
            </div>
          )}
          <h1 className="text-2xl font-semibold">{t("newTitle")}</h1>
          <p className="mt-2 text-sm text-slate-600">{t("newIntro")}</p>
          <NewOrganizationForm />
        </>
      )}
      {orgs.length > 0 && (
        <Link href="/" className="mt-4 inline-block text-sm text-indigo-700 underline">
          {tc("cancel")}
        </Link>
      )}
    </CardPage>
  );
}
