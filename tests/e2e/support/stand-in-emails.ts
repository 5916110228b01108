import { expect, type APIRequestContext } from "@playwright/test";
import type { StoredEmail } from "../../support/resend-stand-in";

/** The latest email the Resend stand-in received for an address, waiting for the outbox worker. */
export async function lastEmailTo(request: APIRequestContext, address: string): Promise<StoredEmail> {
  let found: StoredEmail | undefined;
  await expect
    .poll(async () => {
      const emails = (await (await request.get(`${process.env.E2E_RESEND_URL}/__emails`)).json()) as StoredEmail[];
      found = emails.filter((e) => e.to.some((to) => to.toLowerCase() === address.toLowerCase())).at(-1);
      return Boolean(found);
    })
    .toBe(true);
  return found!;
}

/** The invitation link (with its key) in an email's plain-text part. */
export function invitationLinkIn(email: StoredEmail): string {
  const link = /https?:\/\/[^\s\]]+\/invite\/[^\s\])>]+/.exec(email.text ?? "")?.[0];
  if (!link) throw new Error(`no invitation link in the email to ${email.to.join(", ")}`);
  return link;
}
