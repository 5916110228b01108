"use server";

import { redirect } from "next/navigation";
import { accountAction, publicAction, runAction, type ActionResult } from "@/lib/action";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { endSession, startSession } from "@/lib/auth/session";
import {
  acceptInvitation,
  checkInvitationKey,
  completeNewAccount,
  declineInvitation,
  verifyTemporaryPassword,
} from "@/lib/invitations/accept";
import {
  completeNewAccountSchema,
  invitationKeySchema,
  temporaryPasswordSchema,
} from "@/lib/validations/accept-invitation";
import { signInSchema } from "@/lib/validations/auth";
import { safeReturnPath } from "@/lib/security/redirects";

const invitationPath = (id: string, key: string) =>
  safeReturnPath(`/invite/${encodeURIComponent(id)}?key=${encodeURIComponent(key)}`, "/invite");

const open = publicAction(invitationKeySchema, async (input, meta) => {
  await checkInvitationKey(input, meta);
  return invitationPath(input.invitationId, input.key);
});

/** The ID and key typed by hand: a wrong pair is counted; a right one opens the invitation page. */
export async function openInvitationAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await open(raw);
  if (!result.ok) return result;
  redirect(result.data);
}

const accept = accountAction(invitationKeySchema, (account, input, meta) => acceptInvitation(account, input, meta));

export async function acceptInvitationAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await accept(raw);
  if (!result.ok) return result;
  redirect(safeReturnPath(`/o/${result.data.organizationSlug}`));
}

export const declineInvitationAction = accountAction(invitationKeySchema, (account, input, meta) =>
  declineInvitation(account, input, meta),
);

export const verifyTemporaryPasswordAction = publicAction(temporaryPasswordSchema, (input, meta) =>
  verifyTemporaryPassword(input, meta),
);

export async function completeNewAccountAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(completeNewAccountSchema, raw, async (input) => {
    const done = await completeNewAccount(input, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
    return done.organizationSlug;
  });
  if (!result.ok) return result;
  redirect(safeReturnPath(`/o/${result.data}`));
}

/** Sign-in on the invitation page itself; the page then offers Accept invitation. */
export async function signInToAcceptAction(raw: unknown): Promise<ActionResult<null>> {
  return runAction(signInSchema, raw, async (input) => {
    const done = await authenticateWithPassword(input, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
    return null;
  });
}

/** Signed in as someone else: ends this browser's session so that the invitee can sign in. */
export async function signOutToSwitchAction(): Promise<void> {
  await endSession();
}
