import type { EmailTemplates } from "@/lib/email/types";
import type { AppLocale } from "@/lib/i18n/config";
import { emailTranslator, formatEmailDate } from "./i18n";
import { CallToAction, EmailLayout, Paragraph } from "./layout";

export type PasswordChangedEmailProps = {
  locale: AppLocale;
  link: string;
} & EmailTemplates["password-changed"]["payload"];

export function passwordChangedSubject(props: PasswordChangedEmailProps): string {
  return emailTranslator(props.locale)("passwordChanged.subject");
}

/** Security notice to the account whose password changed, so an owner who did not do it reacts. */
export function PasswordChangedEmail(props: PasswordChangedEmailProps) {
  const t = emailTranslator(props.locale);
  return (
    <EmailLayout
      locale={props.locale}
      preview={passwordChangedSubject(props)}
      heading={t("passwordChanged.heading")}
      footer={t("footerAccount")}
    >
      <Paragraph>{t("passwordChanged.greeting", { name: props.accountName })}</Paragraph>
      <Paragraph>{t("passwordChanged.body", { date: formatEmailDate(props.locale, props.changedAt) })}</Paragraph>
      <Paragraph>{t("passwordChanged.notYou")}</Paragraph>
      <CallToAction href={props.link} label={t("passwordChanged.button")} intro={t("linkIntro")} />
    </EmailLayout>
  );
}

PasswordChangedEmail.PreviewProps = {
  locale: "en",
  link: "http://localhost:3000/sign-in",
  accountName: "Ines Invitee",
  changedAt: "2026-11-28T09:45:00.000Z",
} satisfies PasswordChangedEmailProps;
