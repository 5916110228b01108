import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { NoticeCard } from "@/components/ui/notice-card";
import { CardPage } from "@/components/ui/card-page";
import { getCurrentAccount } from "@/lib/auth/current";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { viewInvitation, type PendingInvitation } from "@/lib/invitations/accept";
import { InvitationKeyForm } from "../invitation-key-form";
import { AcceptPanel } from "./accept-panel";
import { NewAccountPanel } from "./new-account-panel";
import { SignOutToSwitch } from "./other-account-panel";
import { SignInPanel } from "./sign-in-panel";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("invite"))("manualTitle"), referrer: "no-referrer" };
}

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ key?: string | string[] }> };

/**
 * The magic link. Reading it (GET or HEAD, as mail scanners do) never changes anything: every
 * change is a POST from one of the panels.
 */
export default async function InvitationPage({ params, searchParams }: Props) {
  await connection();
  const [{ id }, query, t] = await Promise.all([params, searchParams, getTranslations("invite")]);
  const key = Array.isArray(query.key) ? query.key[0] : query.key;

  if (!key) {
    return (
      <CardPage title={t("manualTitle")} intro={t("manualIntro")}>
        <InvitationKeyForm invitationId={id} />
      </CardPage>
    );
  }

  const view = await viewInvitation(id, key, await getRequestMeta());
  switch (view.state) {
    case "pending":
      return <PendingInvitationPage invitation={view.invitation} invitationKey={key} />;
    case "invalid":
      return view.retryInMinutes !== null ? (
        <NoticeCard title={t("tooManyTitle")}>
          <p>{t("tooManyBody", { minutes: view.retryInMinutes })}</p>
        </NoticeCard>
      ) : (
        <NoticeCard title={t("invalidTitle")}>
          <p>{t("invalidBody")}</p>
          <Link href="/invite" className="inline-block font-medium text-indigo-700 underline">
            {t("enterByHand")}
          </Link>
        </NoticeCard>
      );
    default:
      return (
        <NoticeCard title={t(`${view.state}Title`)}>
          <p>{t(`${view.state}Body`)}</p>
          <Link href="/sign-in" className="inline-block font-medium text-indigo-700 underline">
            {t("goToSignIn")}
          </Link>
        </NoticeCard>
      );
  }
}

async function PendingInvitationPage({
  invitation,
  invitationKey,
}: {
  invitation: PendingInvitation;
  invitationKey: string;
}) {
  const [t, format, current] = await Promise.all([getTranslations("invite"), getFormatter(), getCurrentAccount()]);
  const organization = invitation.organizationName;

  let panel;
  if (current && current.id !== invitation.accountId) {
    panel = (
      <Alert tone="warning" className="mt-6">
        <p className="font-medium">
          {t("otherAccountSignedInAs", { email: invitation.email, current: current.email })}
        </p>
        <p className="mt-1">{t("otherAccountHint")}</p>
        <SignOutToSwitch />
      </Alert>
    );
  } else if (invitation.accountKind === "new") {
    panel = (
      <NewAccountPanel
        invitationId={invitation.id}
        invitationKey={invitationKey}
        minLength={invitation.minPasswordLength}
      />
    );
  } else if (current) {
    panel = (
      <>
        <p className="mt-6 text-sm text-slate-700">{t("acceptIntro", { email: current.email, organization })}</p>
        <AcceptPanel invitationId={invitation.id} invitationKey={invitationKey} />
      </>
    );
  } else {
    panel = (
      <>
        <p className="mt-6 text-sm text-slate-700">{t("signInIntro", { email: invitation.email })}</p>
        <SignInPanel email={invitation.email} />
      </>
    );
  }

  const details: [string, string][] = [
    [t("organization"), organization],
    [t("invitedBy"), invitation.inviterName ? `${invitation.inviterName} (${invitation.inviterEmail})` : "—"],
    [t("role"), invitation.role === "administrator" ? t("roleAdministrator") : t("roleUser")],
    [t("invitedAddress"), invitation.email],
    [t("expires"), format.dateTime(invitation.expiresAt, { dateStyle: "long", timeStyle: "short" })],
  ];

  return (
    <CardPage wide title={t("title", { organization })}>
      <p className="mt-2 text-slate-700">
        {invitation.inviterName
          ? t("leadWithInviter", { inviter: invitation.inviterName, organization })
          : t("lead", { organization })}
      </p>
      <dl aria-label={t("detailsLabel")} className="mt-6 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        {details.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="font-medium text-slate-600">{term}</dt>
            <dd className="break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      {invitation.twoStepRequired && (
        <Alert tone="info" className="mt-6">
          {t("twoStepRequired", { organization })}
        </Alert>
      )}
      {panel}
    </CardPage>
  );
}
