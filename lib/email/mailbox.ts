import "server-only";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import type { EmailTransport, OutgoingEmail } from "./transport";

/**
 * The development mailbox: without RESEND_API_KEY (never in production) every email lands as a
 * JSON file in MAILBOX_DIR, which /dev/mailbox lists. Files are named by the message's
 * idempotency key, so a repeated attempt finds the message already there, as with Resend.
 */
export type MailboxMessage = Omit<OutgoingEmail, "idempotencyKey"> & { id: string; sentAt: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createMailboxTransport(dir: string = env.MAILBOX_DIR): EmailTransport {
  return {
    name: "mailbox",
    async send(email) {
      if (!UUID.test(email.idempotencyKey)) return { kind: "failed", reason: "The idempotency key is not a UUID" };
      await mkdir(dir, { recursive: true });
      const { idempotencyKey, ...rest } = email;
      const message: MailboxMessage = { id: idempotencyKey, ...rest, sentAt: new Date().toISOString() };
      try {
        await writeFile(path.join(dir, `${idempotencyKey}.json`), JSON.stringify(message), { flag: "wx", mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      return { kind: "sent", providerMessageId: idempotencyKey };
    },
  };
}

/** Every message in the mailbox, newest first. */
export async function listMailbox(dir: string = env.MAILBOX_DIR): Promise<MailboxMessage[]> {
  const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const messages = await Promise.all(
    files
      .filter((f) => f.endsWith(".json"))
      .map(async (f) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as MailboxMessage),
  );
  return messages.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

export async function readMailboxMessage(id: string, dir: string = env.MAILBOX_DIR): Promise<MailboxMessage | null> {
  if (!UUID.test(id)) return null;
  try {
    return JSON.parse(await readFile(path.join(dir, `${id}.json`), "utf8")) as MailboxMessage;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
