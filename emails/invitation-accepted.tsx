import type { EmailTemplates } from "@/lib/email/types";
import type { AppLocale } from "@/lib/i18n/config";
import { emailTranslator, formatEmailDate } from "./i18n";
import { CallToAction, EmailLayout, Paragraph } from "./layout";

export type InvitationAcceptedEmailProps = {
  locale: AppLocale;
  link: string;
} & EmailTemplates["invitation-accepted"]["payload"];

export function invitationAcceptedSubject(props: InvitationAcceptedEmailProps): string {
  return emailTranslator(props.locale)("invitationAccepted.subject", {
    invitee: props.inviteeName,
    organization: props.organizationName,
  });
}

/** To the inviter: the person they invited has joined. */
export function InvitationAcceptedEmail(props: InvitationAcceptedEmailProps) {
  const t = emailTranslator(props.locale);
  const organization = props.organizationName;
  return (
    <EmailLayout
      locale={props.locale}
      preview={invitationAcceptedSubject(props)}
      heading={t("invitationAccepted.heading")}
      footer={t("footerOrganization", { organization })}
    >
      <Paragraph>
        {t("invitationAccepted.body", {
          invitee: props.inviteeName,
          inviteeEmail: props.inviteeEmail,
          organization,
          date: formatEmailDate(props.locale, props.acceptedAt),
        })}
      </Paragraph>
      <CallToAction href={props.link} label={t("invitationAccepted.button")} intro={t("linkIntro")} />
    </EmailLayout>
  );
}

InvitationAcceptedEmail.PreviewProps = {
  locale: "en",
  link: "http://localhost:3000",
  organizationName: "Acme Cloud",
  inviteeName: "Ines Invitee",
  inviteeEmail: "ines@acme.example",
  acceptedAt: "2026-11-28T09:30:00.000Z",
} satisfies InvitationAcceptedEmailProps;
