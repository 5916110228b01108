import type { EmailTemplates } from "@/lib/email/types";
import type { AppLocale } from "@/lib/i18n/config";
import { emailTranslator, formatEmailDate } from "./i18n";
import { CallToAction, EmailLayout, Paragraph } from "./layout";

export type TwoStepChangedEmailProps = {
  locale: AppLocale;
  link: string;
} & EmailTemplates["two-step-changed"]["payload"];

const messages = {
  "authenticator-added": "authenticatorAdded",
  "passkey-added": "passkeyAdded",
  "factor-removed": "factorRemoved",
  "recovery-code-used": "recoveryCodeUsed",
  "factors-reset": "factorsReset",
} as const;

export function twoStepChangedSubject(props: TwoStepChangedEmailProps): string {
  return emailTranslator(props.locale)(`twoStepChanged.${messages[props.change]}.subject`);
}

/**
 * Security notice to the account whose two-step verification changed (a factor added or removed,
 * a recovery code used, the factors reset by an administrator), so an owner who did not do it reacts.
 */
export function TwoStepChangedEmail(props: TwoStepChangedEmailProps) {
  const t = emailTranslator(props.locale);
  const change = messages[props.change];
  return (
    <EmailLayout
      locale={props.locale}
      preview={twoStepChangedSubject(props)}
      heading={t(`twoStepChanged.${change}.heading`)}
      footer={t("footerAccount")}
    >
      <Paragraph>{t("twoStepChanged.greeting", { name: props.accountName })}</Paragraph>
      <Paragraph>
        {t(`twoStepChanged.${change}.body`, {
          name: props.factorName ?? "",
          actor: props.actorName ?? "",
          date: formatEmailDate(props.locale, props.at),
        })}
      </Paragraph>
      <Paragraph>
        {t(props.change === "factors-reset" ? "twoStepChanged.notYouReset" : "twoStepChanged.notYou")}
      </Paragraph>
      <CallToAction href={props.link} label={t("twoStepChanged.button")} intro={t("linkIntro")} />
    </EmailLayout>
  );
}

TwoStepChangedEmail.PreviewProps = {
  locale: "en",
  link: "http://localhost:3000/account/security",
  accountName: "Ines Invitee",
  change: "passkey-added",
  factorName: "Work laptop",
  actorName: null,
  at: "2026-11-28T09:45:00.000Z",
} satisfies TwoStepChangedEmailProps;
