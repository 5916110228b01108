import "server-only";
import { Resend, type ErrorResponse } from "resend";
import {
  MESSAGE_REF_HEADER,
  parseRetryAfter,
  type BatchOutcome,
  type EmailTransport,
  type OutgoingEmail,
  type SendOutcome,
} from "./transport";

/** Resend reports one of these while the first request with the same key is still in flight. */
const RETRYABLE_CONFLICT = "concurrent_idempotent_requests";
/** The same key with another request body. */
const KEY_CONFLICT = "invalid_idempotent_request";
/** Messages per request of Resend's batch endpoint. */
export const RESEND_MAX_BATCH_SIZE = 100;

type Failure = { kind: "retry"; reason: string; retryAfterMs?: number } | { kind: "failed"; reason: string };

/**
 * Sends through the Resend SDK with the message's idempotency key, or a batch (up to 100, the
 * batch endpoint's limit) with the batch's key. 429, 5xx, network errors and timeouts are worth
 * retrying (the key makes a retry of an attempt that did arrive harmless); any other 4xx is the
 * provider refusing, with its reason. A batch is validated strictly: Resend sends all of it or none.
 */
export function createResendTransport(options: {
  apiKey: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** Invitations per batch request, at most Resend's 100; 1 sends every message alone. */
  maxBatchSize?: number;
  now?: () => Date;
}): EmailTransport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? (() => new Date());

  const failure = (
    error: ErrorResponse,
    headers: Record<string, string> | null | undefined,
    signal: AbortSignal,
  ): Failure => {
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
  };

  const message = (email: OutgoingEmail) => ({
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: { [MESSAGE_REF_HEADER]: email.idempotencyKey },
  });

  return {
    name: "resend",
    maxBatchSize: Math.min(options.maxBatchSize ?? RESEND_MAX_BATCH_SIZE, RESEND_MAX_BATCH_SIZE),
    async send(email): Promise<SendOutcome> {
      const signal = AbortSignal.timeout(timeoutMs);
      const { data, error, headers } = await resend.emails.send(message(email), {
        idempotencyKey: email.idempotencyKey,
        signal,
      });
      if (data) return { kind: "sent", providerMessageId: data.id };
      return failure(error, headers, signal);
    },
    async sendBatch(emails, batchKey): Promise<BatchOutcome> {
      if (emails.length === 0 || emails.length > RESEND_MAX_BATCH_SIZE)
        throw new Error(`a batch holds 1 to ${RESEND_MAX_BATCH_SIZE} messages, not ${emails.length}`);
      const signal = AbortSignal.timeout(timeoutMs);
      const { data, error, headers } = await resend.batch.send(emails.map(message), {
        idempotencyKey: batchKey,
        signal,
      });
      if (data) {
        const ids = data.data.map((d) => d.id);
        if (ids.length !== emails.length)
          return { kind: "failed", reason: `Resend answered ${ids.length} ids for ${emails.length} messages` };
        return { kind: "sent", providerMessageIds: ids };
      }
      const outcome = failure(error, headers, signal);
      return outcome.kind === "failed" && error.name === KEY_CONFLICT ? { ...outcome, keyConflict: true } : outcome;
    },
  };
}
