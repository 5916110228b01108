import type { AppLocale } from "@/lib/i18n/config";

/**
 * The emails Gatehouse sends, with what each template needs. `Payload` is stored in the outbox
 * as is (never a secret); `Secret` is sealed with AES-256-GCM and erased after delivery.
 */
export type EmailTemplates = {
  invitation: {
    payload: {
      invitationId: string;
      organizationName: string;
      inviterName: string;
      inviterEmail: string;
      role: "administrator" | "user";
      /** ISO timestamp. */
      expiresAt: string;
      personalMessage: string | null;
      /** existing: sign in to accept; new-with-password: the temporary password is in the email; new-without-password: the administrator hands it over. */
      variant: "existing" | "new-with-password" | "new-without-password";
      /** The organization requires two-step verification of administrators (absent in emails queued before it existed). */
      twoStepRequired?: boolean;
    };
    secret: { key: string; temporaryPassword?: string };
  };
  "invitation-accepted": {
    payload: { organizationName: string; inviteeName: string; inviteeEmail: string; acceptedAt: string };
    secret: null;
  };
  "invitation-declined": {
    payload: { organizationName: string; inviteeEmail: string; declinedAt: string };
    secret: null;
  };
  "password-changed": {
    payload: { accountName: string; changedAt: string };
    secret: null;
  };
  "two-step-changed": {
    payload: {
      accountName: string;
      /** What happened to the account's two-step verification. */
      change: "authenticator-added" | "passkey-added" | "factor-removed" | "recovery-code-used" | "factors-reset";
      /** The factor added or removed, as the account named it. */
      factorName: string | null;
      /** The administrator who reset the factors (factors-reset only). */
      actorName: string | null;
      /** ISO timestamp. */
      at: string;
    };
    secret: null;
  };
  "password-reset": {
    payload: { accountName: string; resetId: string; expiresAt: string };
    secret: { key: string };
  };
};

export type EmailTemplateName = keyof EmailTemplates;

export type EmailMessage<T extends EmailTemplateName = EmailTemplateName> = {
  organizationId: string | null;
  template: T;
  locale: AppLocale;
  to: string;
  payload: EmailTemplates[T]["payload"];
} & (EmailTemplates[T]["secret"] extends null ? { secret?: null } : { secret: EmailTemplates[T]["secret"] });
