import "server-only";

/** One rendered email on its way to the provider. */
export type OutgoingEmail = {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The outbox row's key: every attempt at one message carries the same one, so the provider drops duplicates. */
  idempotencyKey: string;
};

/**
 * The header that names the outbox message an email is (its idempotency key), on single and
 * batched sends alike: mail clients do not thread separate invitations together, and a repeat
 * of one message is recognizable whichever request carried it.
 */
export const MESSAGE_REF_HEADER = "X-Entity-Ref-ID";

/** What an attempt came to: delivered, worth another try later, or refused for good. */
export type SendOutcome =
  | { kind: "sent"; providerMessageId: string }
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  | { kind: "failed"; reason: string };

/**
 * What a batch request came to, for all its messages at once: the provider sends a whole batch or
 * none of it. `sent` lists the provider's ids in the order of the messages.
 */
export type BatchOutcome =
  | { kind: "sent"; providerMessageIds: string[] }
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  | {
      kind: "failed";
      reason: string;
      /** The same key was used with other messages: never send them again under it. */ keyConflict?: boolean;
    };

export type EmailTransport = {
  name: "resend" | "mailbox";
  send(email: OutgoingEmail): Promise<SendOutcome>;
  /**
   * Sends up to `maxBatchSize` messages in one request under one idempotency key (the batch's):
   * a repeat of the same messages with the same key is dropped by the provider.
   */
  sendBatch?(emails: OutgoingEmail[], batchKey: string): Promise<BatchOutcome>;
  maxBatchSize?: number;
};

/**
 * A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
