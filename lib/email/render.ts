import "server-only";
import { randomBytes } from "node:crypto";
import { render, toPlainText } from "@react-email/render";
import { createElement } from "react";
import { emailTemplates, type EmailTemplateProps } from "@/emails";
import { formatEmailDate } from "@/emails/i18n";
import { env } from "@/lib/env";
import type { AppLocale } from "@/lib/i18n/config";
import { invitationUrl, passwordResetUrl } from "@/lib/invitations/links";
import type { EmailTemplateName, EmailTemplates } from "./types";

export type RenderedEmail = { subject: string; html: string; text: string };

// Headings keep their case in the plain-text part (html-to-text shouts them by default).
const htmlToTextOptions = { selectors: [{ selector: "h1", options: { uppercase: false } }] };

// Names typed before control characters were refused may still hold them: a line break in a
// subject would start a new header line at some providers, so each run becomes one space.
const HEADER_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of header text: control characters and line separators replaced by a space. */
export function headerText(value: string): string {
  return value.replace(HEADER_BREAKING, " ").trim();
}

/** Renders a template with the given props to the subject, the HTML part and the plain-text part. */
export async function renderTemplate<T extends EmailTemplateName>(
  template: T,
  props: EmailTemplateProps[T],
): Promise<RenderedEmail> {
  const definition: (typeof emailTemplates)[T] = emailTemplates[template];
  const element = createElement(
    definition.Component as (p: EmailTemplateProps[T]) => ReturnType<typeof definition.Component>,
    props,
  );
  const html = await render(element);
  // The same conversion as render(element, { plainText: true }), without rendering twice.
  return {
    subject: headerText((definition.subject as (p: EmailTemplateProps[T]) => string)(props)),
    html,
    text: toPlainText(html, htmlToTextOptions),
  };
}

export type EmailToRender<T extends EmailTemplateName = EmailTemplateName> = {
  template: T;
  locale: AppLocale;
  payload: EmailTemplates[T]["payload"];
  secret: EmailTemplates[T]["secret"];
};

/** An outbox message (payload and opened secret) to what the provider receives. Links carry the secret key. */
export async function renderEmail(message: EmailToRender): Promise<RenderedEmail> {
  const { locale } = message;
  switch (message.template) {
    case "invitation": {
      const { payload, secret } = message as EmailToRender<"invitation">;
      if (payload.variant === "new-with-password" && !secret.temporaryPassword) {
        throw new Error("an invitation whose password is emailed has no temporary password");
      }
      return renderTemplate("invitation", {
        ...payload,
        locale,
        invitationKey: secret.key,
        temporaryPassword: secret.temporaryPassword,
        link: invitationUrl(payload.invitationId, secret.key),
      });
    }
    case "invitation-accepted":
      return renderTemplate("invitation-accepted", {
        ...(message as EmailToRender<"invitation-accepted">).payload,
        locale,
        link: env.APP_URL,
      });
    case "invitation-declined":
      return renderTemplate("invitation-declined", {
        ...(message as EmailToRender<"invitation-declined">).payload,
        locale,
        link: env.APP_URL,
      });
    case "password-changed":
      return renderTemplate("password-changed", {
        ...(message as EmailToRender<"password-changed">).payload,
        locale,
        link: `${env.APP_URL}/sign-in`,
      });
    case "two-step-changed":
      return renderTemplate("two-step-changed", {
        ...(message as EmailToRender<"two-step-changed">).payload,
        locale,
        link: `${env.APP_URL}/account/security`,
      });
    case "password-reset": {
      const { payload, secret } = message as EmailToRender<"password-reset">;
      return renderTemplate("password-reset", {
        ...payload,
        locale,
        link: passwordResetUrl(payload.resetId, secret.key),
      });
    }
  }
}

// Stand for an invitation's own values while its shape is rendered: random per process, so no
// text typed by a person can be taken for one, and as long as the value each stands for, so that
// the plain-text part wraps its lines around a stand-in as it would around the value.
const nonce = randomBytes(6).toString("hex");
function standIn(prefix: string, length: number): string | null {
  if (length < prefix.length + 8) return null;
  return `${prefix}${nonce.repeat(Math.ceil(length / nonce.length))}`.slice(0, length);
}
/** Values that read the same in a URL, in HTML text and in an attribute. */
const PLAIN = /^[A-Za-z0-9_-]+$/;
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * Renders several emails, each as renderEmail would, or the error that stopped it. Invitations
 * that differ only in their ID, key and temporary password (a batch from one wizard run, or the
 * invitations of one minute) are rendered once with stand-ins for those three, which are then put
 * in place: in the HTML escaped as React escapes text, in the plain text as they are (a password
 * that HTML would escape or that holds spaces has its plain text converted from its HTML).
 */
export async function renderEmails(messages: EmailToRender[]): Promise<(RenderedEmail | Error)[]> {
  const shapes = new Map<string, RenderedEmail>();
  const results: (RenderedEmail | Error)[] = [];
  for (const message of messages) {
    // A batch renders in the app's process: between two messages, requests waiting get served.
    if (results.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      if (message.template !== "invitation") {
        results.push(await renderEmail(message));
        continue;
      }
      const { payload, secret, locale } = message as EmailToRender<"invitation">;
      if (payload.variant === "new-with-password" && !secret.temporaryPassword) {
        throw new Error("an invitation whose password is emailed has no temporary password");
      }
      const password = secret.temporaryPassword;
      const idStand = standIn("GhId", payload.invitationId.length);
      const keyStand = standIn("GhKey", secret.key.length);
      const passwordStand = password === undefined ? "" : standIn("GhPw", password.length);
      if (
        !PLAIN.test(payload.invitationId) ||
        !PLAIN.test(secret.key) ||
        idStand === null ||
        keyStand === null ||
        passwordStand === null
      ) {
        results.push(await renderEmail(message));
        continue;
      }
      // The template shows the expiry only as formatEmailDate writes it: invitations sent within
      // the same minute share a shape.
      const shapeKey = JSON.stringify([
        locale,
        { ...payload, invitationId: null, expiresAt: formatEmailDate(locale, payload.expiresAt) },
        [payload.invitationId.length, secret.key.length, password?.length ?? null],
      ]);
      let shape = shapes.get(shapeKey);
      if (!shape) {
        shape = await renderTemplate("invitation", {
          ...payload,
          invitationId: idStand,
          locale,
          invitationKey: keyStand,
          temporaryPassword: password === undefined ? undefined : passwordStand,
          link: invitationUrl(idStand, keyStand),
        });
        shapes.set(shapeKey, shape);
      }
      const fill = (text: string, passwordAs: string) =>
        text
          .replaceAll(idStand, payload.invitationId)
          .replaceAll(keyStand, secret.key)
          .replaceAll(passwordStand || "\u0000", passwordAs);
      const html = fill(shape.html, escapeHtml(password ?? ""));
      const text =
        password === undefined || PLAIN.test(password)
          ? fill(shape.text, password ?? "")
          : toPlainText(html, htmlToTextOptions);
      results.push({ subject: shape.subject, html, text });
    } catch (error) {
      results.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return results;
}
