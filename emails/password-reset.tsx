import type { EmailTemplates } from "@/lib/email/types";
import type { AppLocale } from "@/lib/i18n/config";
import { emailTranslator, formatEmailDate } from "./i18n";
import { CallToAction, EmailLayout, Paragraph } from "./layout";

export type PasswordResetEmailProps = { locale: AppLocale; link: string } & EmailTemplates["password-reset"]["payload"];

export function passwordResetSubject(props: PasswordResetEmailProps): string {
  return emailTranslator(props.locale)("passwordReset.subject");
}

/** The single-use link to choose a new password. */
export function PasswordResetEmail(props: PasswordResetEmailProps) {
  const t = emailTranslator(props.locale);
  return (
    <EmailLayout
      locale={props.locale}
      preview={passwordResetSubject(props)}
      heading={t("passwordReset.heading")}
      footer={t("footerAccount")}
    >
      <Paragraph>{t("passwordReset.greeting", { name: props.accountName })}</Paragraph>
      <Paragraph>{t("passwordReset.body")}</Paragraph>
      <CallToAction href={props.link} label={t("passwordReset.button")} intro={t("linkIntro")} />
      <Paragraph>{t("passwordReset.expires", { date: formatEmailDate(props.locale, props.expiresAt) })}</Paragraph>
      <Paragraph muted>{t("passwordReset.ignore")}</Paragraph>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  locale: "en",
  link: "http://localhost:3000/reset-password/5d1e7f2a-3c4b-4a59-8e6f-7a8b9c0d1e2f?key=UmVzZXRLZXlFeGFtcGxl",
  accountName: "Ines Invitee",
  resetId: "5d1e7f2a-3c4b-4a59-8e6f-7a8b9c0d1e2f",
  expiresAt: "2026-11-28T10:45:00.000Z",
} satisfies PasswordResetEmailProps;
