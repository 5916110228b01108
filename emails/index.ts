import type { ReactElement } from "react";
import type { EmailTemplateName } from "@/lib/email/types";
import {
  InvitationAcceptedEmail,
  invitationAcceptedSubject,
  type InvitationAcceptedEmailProps,
} from "./invitation-accepted";
import {
  InvitationDeclinedEmail,
  invitationDeclinedSubject,
  type InvitationDeclinedEmailProps,
} from "./invitation-declined";
import { InvitationEmail, invitationSubject, type InvitationEmailProps } from "./invitation";
import { PasswordChangedEmail, passwordChangedSubject, type PasswordChangedEmailProps } from "./password-changed";
import { PasswordResetEmail, passwordResetSubject, type PasswordResetEmailProps } from "./password-reset";
import { TwoStepChangedEmail, twoStepChangedSubject, type TwoStepChangedEmailProps } from "./two-step-changed";

/** What each template renders from: its outbox payload, its opened secret, its link, a locale. */
export type EmailTemplateProps = {
  invitation: InvitationEmailProps;
  "invitation-accepted": InvitationAcceptedEmailProps;
  "invitation-declined": InvitationDeclinedEmailProps;
  "password-changed": PasswordChangedEmailProps;
  "password-reset": PasswordResetEmailProps;
  "two-step-changed": TwoStepChangedEmailProps;
};

type TemplateDefinition<P> = {
  Component: (props: P) => ReactElement;
  subject: (props: P) => string;
  /** Named examples for the development preview, one per variant worth looking at. */
  previews: Record<string, P>;
};

const invitation = InvitationEmail.PreviewProps;
const twoStepChanged = TwoStepChangedEmail.PreviewProps;

export const emailTemplates: { [K in EmailTemplateName]: TemplateDefinition<EmailTemplateProps[K]> } = {
  invitation: {
    Component: InvitationEmail,
    subject: invitationSubject,
    previews: {
      "new-with-password": invitation,
      "new-without-password": { ...invitation, variant: "new-without-password", temporaryPassword: undefined },
      existing: { ...invitation, variant: "existing", temporaryPassword: undefined, personalMessage: null },
    },
  },
  "invitation-accepted": {
    Component: InvitationAcceptedEmail,
    subject: invitationAcceptedSubject,
    previews: { default: InvitationAcceptedEmail.PreviewProps },
  },
  "invitation-declined": {
    Component: InvitationDeclinedEmail,
    subject: invitationDeclinedSubject,
    previews: { default: InvitationDeclinedEmail.PreviewProps },
  },
  "password-changed": {
    Component: PasswordChangedEmail,
    subject: passwordChangedSubject,
    previews: { default: PasswordChangedEmail.PreviewProps },
  },
  "password-reset": {
    Component: PasswordResetEmail,
    subject: passwordResetSubject,
    previews: { default: PasswordResetEmail.PreviewProps },
  },
  "two-step-changed": {
    Component: TwoStepChangedEmail,
    subject: twoStepChangedSubject,
    previews: {
      "passkey-added": TwoStepChangedEmail.PreviewProps,
      "authenticator-added": { ...twoStepChanged, change: "authenticator-added", factorName: "Phone" },
      "factor-removed": { ...twoStepChanged, change: "factor-removed" },
      "recovery-code-used": { ...twoStepChanged, change: "recovery-code-used", factorName: null },
      "factors-reset": { ...twoStepChanged, change: "factors-reset", factorName: null, actorName: "Olivia Owner" },
    },
  },
};
