import "server-only";
import type { Transaction } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import { sealSecret } from "./secret-box";
import type { EmailMessage, EmailTemplateName } from "./types";

type Listener = () => void;
const listeners = new Set<Listener>();

/**
 * Writes an email into the outbox inside the caller's transaction: it exists exactly when the
 * change that sends it commits. Secrets are sealed. Returns the outbox id. Call
 * `notifyOutbox()` after the transaction commits so the worker delivers it at once.
 */
export async function enqueueEmail<T extends EmailTemplateName>(
  tx: Transaction,
  message: EmailMessage<T>,
): Promise<string> {
  const [row] = await tx
    .insert(emailOutbox)
    .values({
      organizationId: message.organizationId,
      template: message.template,
      locale: message.locale,
      toAddress: message.to,
      payload: message.payload as Record<string, unknown>,
      secretCiphertext: message.secret ? sealSecret(JSON.stringify(message.secret)) : null,
    })
    .returning({ id: emailOutbox.id });
  if (!row) throw new Error("outbox insert returned no row");
  return row.id;
}

/** Wakes the in-process delivery worker (a no-op when none runs here; polling covers other instances). */
export function notifyOutbox(): void {
  for (const listener of listeners) listener();
}

export function onOutboxNotified(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
