import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { pagePath, type ActionClient, type ActionResponse } from "../support/action-client";
import type { StandIn } from "../support/resend-stand-in";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every counter of every limit, gone. The suite's requests all come from one address (the TCP
 * peer is 127.0.0.1 whatever header they carry), so the phases that sign in many times or
 * measure a limit start from zero instead of inheriting each other's counts.
 */
export async function clearRateLimits(db: Database): Promise<void> {
  await db.execute(sql`delete from rate_limits`);
}

/** How an answer says "too many attempts": a 429, or an error result whose code says so. */
export function isRateLimited(response: ActionResponse): boolean {
  if (response.status === 429) return true;
  const code = (response.result as { code?: string } | undefined)?.code ?? "";
  return /ratelimit|toomany|limited/i.test(code);
}

export const resultOf = (response: ActionResponse) =>
  response.result as { ok?: boolean; code?: string; data?: unknown } | undefined;

/** The ID and key of the newest link of that kind mailed to the address, once the stand-in has it. */
export async function linkMailedTo(
  standIn: StandIn,
  address: string,
  kind: "invite" | "reset-password",
  after = 0,
  timeoutMs = 20_000,
  /** Keys already known (an earlier email to the same address may arrive late): wait for another. */
  exclude: string[] = [],
): Promise<{ id: string; key: string }> {
  const re = new RegExp(`/${kind}/([0-9a-f-]{36})\\?key=([A-Za-z0-9_%-]+)`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const mails = standIn.emails.filter(
      (e) => e.to.some((t) => t.toLowerCase() === address.toLowerCase()) && Date.parse(e.receivedAt) >= after,
    );
    for (const mail of mails.reverse()) {
      const m = re.exec(mail.text ?? "");
      const key = m ? decodeURIComponent(m[2]!) : null;
      if (m && key && !exclude.includes(key)) return { id: m[1]!, key };
    }
    if (Date.now() > until) throw new Error(`no ${kind} link mailed to ${address}`);
    await sleep(100);
  }
}

export type ManualInvitation = {
  email: string;
  invitationId: string;
  key: string;
  temporaryPassword: string;
  sheetToken: string | undefined;
};

/**
 * Send Invite as an administrator, the temporary password not emailed (shown once, with its
 * password-sheet token); the key comes from the invitation email.
 */
export async function inviteManually(
  admin: ActionClient,
  standIn: StandIn,
  slug: string,
  email: string,
): Promise<ManualInvitation> {
  const send = admin.find("app/o/[slug]/admin/users/invite/actions.ts", "sendInviteAction");
  const startedAt = Date.now() - 1_000;
  const response = await admin.call(
    send,
    [
      slug,
      {
        idempotencyKey: crypto.randomUUID(),
        emails: email,
        passwordDelivery: "manual",
        options: { locale: "en", personalMessage: "", accessExpiry: "", external: false, privileged: false },
      },
    ],
    { path: pagePath("app/o/[slug]/admin/users/invite/page", { slug }) },
  );
  const sent = (
    resultOf(response)?.data as
      | {
          invitations?: {
            outcome: string;
            invitationId?: string;
            temporaryPassword?: string;
            passwordSheetToken?: string;
          }[];
        }
      | undefined
  )?.invitations?.[0];
  if (!sent || sent.outcome !== "sent" || !sent.invitationId || !sent.temporaryPassword)
    throw new Error(`could not invite ${email}: ${response.status} ${JSON.stringify(response.result)?.slice(0, 300)}`);
  const link = await linkMailedTo(standIn, email, "invite", startedAt);
  return {
    email,
    invitationId: sent.invitationId,
    key: link.key,
    temporaryPassword: sent.temporaryPassword,
    sheetToken: sent.passwordSheetToken,
  };
}
