import type { EmailTemplates } from "@/lib/email/types";
import type { AppLocale } from "@/lib/i18n/config";
import { emailTranslator, formatEmailDate } from "./i18n";
import { CallToAction, EmailLayout, Paragraph } from "./layout";

export type InvitationDeclinedEmailProps = {
  locale: AppLocale;
  link: string;
} & EmailTemplates["invitation-declined"]["payload"];

export function invitationDeclinedSubject(props: InvitationDeclinedEmailProps): string {
  return emailTranslator(props.locale)("invitationDeclined.subject", {
    inviteeEmail: props.inviteeEmail,
    organization: props.organizationName,
  });
}

/** To the inviter: the person they invited said no. */
export function InvitationDeclinedEmail(props: InvitationDeclinedEmailProps) {
  const t = emailTranslator(props.locale);
  const organization = props.organizationName;
  return (
    <EmailLayout
      locale={props.locale}
      preview={invitationDeclinedSubject(props)}
      heading={t("invitationDeclined.heading")}
      footer={t("footerOrganization", { organization })}
    >
      <Paragraph>
        {t("invitationDeclined.body", {
          inviteeEmail: props.inviteeEmail,
          organization,
          date: formatEmailDate(props.locale, props.declinedAt),
        })}
      </Paragraph>
      <CallToAction href={props.link} label={t("invitationDeclined.button")} intro={t("linkIntro")} />
    </EmailLayout>
  );
}

InvitationDeclinedEmail.PreviewProps = {
  locale: "en",
  link: "http://localhost:3000",
  organizationName: "Acme Cloud",
  inviteeEmail: "dan@acme.example",
  declinedAt: "2026-11-28T09:30:00.000Z",
} satisfies InvitationDeclinedEmailProps;
