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

/** What an attempt came to: delivered, worth another try later, or refused for good. */
export type SendOutcome =
  | { kind: "sent"; providerMessageId: string }
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  | { kind: "failed"; reason: string };

export type EmailTransport = {
  name: "resend" | "mailbox";
  send(email: OutgoingEmail): Promise<SendOutcome>;
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
