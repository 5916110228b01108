import type { EmailTemplates } from "@/lib/email/types";
import type { AppLocale } from "@/lib/i18n/config";
import { emailTranslator, formatEmailDate } from "./i18n";
import { CallToAction, code, EmailLayout, Paragraph, Quote } from "./layout";

type Secret = EmailTemplates["invitation"]["secret"];

// `key` is React's own prop name: the invitation key travels as `invitationKey`.
export type InvitationEmailProps = {
  locale: AppLocale;
  link: string;
  invitationKey: Secret["key"];
  temporaryPassword?: Secret["temporaryPassword"];
} & EmailTemplates["invitation"]["payload"];

export function invitationSubject(props: InvitationEmailProps): string {
  return emailTranslator(props.locale)("invitation.subject", {
    inviter: props.inviterName,
    organization: props.organizationName,
    role: props.role,
  });
}

/** The invitation: who invites, to what, how to accept, and the ID and key for pasting by hand. */
export function InvitationEmail(props: InvitationEmailProps) {
  const t = emailTranslator(props.locale);
  const organization = props.organizationName;
  const inviter = props.inviterName;
  return (
    <EmailLayout
      locale={props.locale}
      preview={invitationSubject(props)}
      heading={t("invitation.heading", { organization })}
      footer={t("footerOrganization", { organization })}
    >
      <Paragraph>
        {t("invitation.intro", { inviter, inviterEmail: props.inviterEmail, organization, role: props.role })}
      </Paragraph>
      {props.personalMessage ? (
        <>
          <Paragraph>{t("invitation.messageFrom", { inviter })}</Paragraph>
          <Quote text={props.personalMessage} />
        </>
      ) : null}
      {props.variant === "existing" && <Paragraph>{t("invitation.existing")}</Paragraph>}
      {props.variant === "new-with-password" && (
        <>
          <Paragraph>{t("invitation.newWithPassword")}</Paragraph>
          <Paragraph>
            {t.rich("invitation.temporaryPassword", { password: props.temporaryPassword ?? "", code })}
          </Paragraph>
        </>
      )}
      {props.variant === "new-without-password" && <Paragraph>{t("invitation.newWithoutPassword")}</Paragraph>}
      {props.twoStepRequired && <Paragraph>{t("invitation.twoStepRequired", { organization })}</Paragraph>}
      <CallToAction href={props.link} label={t("invitation.button")} intro={t("linkIntro")} />
      <Paragraph>{t("invitation.expires", { date: formatEmailDate(props.locale, props.expiresAt) })}</Paragraph>
      <Paragraph muted>{t("invitation.pasteIntro")}</Paragraph>
      <Paragraph>
        {t.rich("invitation.invitationId", { id: props.invitationId, code })}
        <br />
        {t.rich("invitation.key", { key: props.invitationKey, code })}
      </Paragraph>
      <Paragraph muted>{t("invitation.ignore")}</Paragraph>
    </EmailLayout>
  );
}

InvitationEmail.PreviewProps = {
  locale: "en",
  link: "http://localhost:3000/invite/0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10?key=Qm9vdHN0cmFwS2V5RXhhbXBsZQ",
  invitationId: "0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10",
  invitationKey: "Qm9vdHN0cmFwS2V5RXhhbXBsZQ",
  temporaryPassword: "plum-orbit-quiet-7",
  organizationName: "Acme Cloud",
  inviterName: "Olivia Owner",
  inviterEmail: "olivia@acme.example",
  role: "administrator",
  expiresAt: "2026-12-04T18:00:00.000Z",
  personalMessage: "Welcome aboard!\nYou will look after billing <and> the EU region.",
  variant: "new-with-password",
} satisfies InvitationEmailProps;
