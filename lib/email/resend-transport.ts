import "server-only";
import { Resend } from "resend";
import { parseRetryAfter, type EmailTransport, type SendOutcome } from "./transport";

/** Resend reports one of these while the first request with the same key is still in flight. */
const RETRYABLE_CONFLICT = "concurrent_idempotent_requests";

/**
 * Sends through the Resend SDK with the message's idempotency key. 429, 5xx, network errors and
 * timeouts are worth retrying (the key makes a retry of an attempt that did arrive harmless);
 * any other 4xx is the provider refusing the message, with its reason.
 */
export function createResendTransport(options: {
  apiKey: string;
  baseUrl?: string;
  timeoutMs?: number;
  now?: () => Date;
}): EmailTransport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? (() => new Date());
  return {
    name: "resend",
    async send(email): Promise<SendOutcome> {
      const signal = AbortSignal.timeout(timeoutMs);
      const { data, error, headers } = await resend.emails.send(
        { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text },
        { idempotencyKey: email.idempotencyKey, signal },
      );
      if (data) return { kind: "sent", providerMessageId: data.id };
      if (error.statusCode === null) {
        return {
          kind: "retry",
          reason: signal.aborted ? `No answer from Resend within ${timeoutMs} ms` : error.message,
        };
      }
      const reason = `${error.statusCode} ${error.name}: ${error.message}`;
      if (error.statusCode === 429 || error.statusCode >= 500 || error.name === RETRYABLE_CONFLICT) {
        return { kind: "retry", reason, retryAfterMs: parseRetryAfter(headers?.["retry-after"], now()) };
      }
      return { kind: "failed", reason };
    },
  };
}
