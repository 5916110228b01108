"use server";

import { accountAction, publicAction } from "@/lib/action";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { secondStepAfterPassword } from "@/lib/auth/second-step";
import { setSecondStepCookie } from "@/lib/auth/second-step-cookie";
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
import { noInputSchema } from "@/lib/validations/two-step";

/** The ID and key typed by hand: a wrong pair is counted; a right one opens the invitation page. */
export const openInvitationAction = publicAction(
  invitationKeySchema,
  async (input, meta) => {
    await checkInvitationKey(input, meta);
    return { invitationId: input.invitationId, key: input.key };
  },
  {
    redirectTo: ({ invitationId, key }) => `/invite/${encodeURIComponent(invitationId)}?key=${encodeURIComponent(key)}`,
    redirectFallback: "/invite",
  },
);

export const acceptInvitationAction = accountAction(
  invitationKeySchema,
  (account, input, meta) => acceptInvitation(account, input, meta),
  { redirectTo: ({ organizationSlug }) => `/o/${organizationSlug}` },
);

export const declineInvitationAction = accountAction(invitationKeySchema, (account, input, meta) =>
  declineInvitation(account, input, meta),
);

export const verifyTemporaryPasswordAction = publicAction(temporaryPasswordSchema, (input, meta) =>
  verifyTemporaryPassword(input, meta),
);

export const completeNewAccountAction = publicAction(
  completeNewAccountSchema,
  async (input, meta) => {
    const done = await completeNewAccount(input, meta);
    await startSession(done.accountId, done.sessionVersion);
    return done.organizationSlug;
  },
  { redirectTo: (organizationSlug) => `/o/${organizationSlug}` },
);

/**
 * Sign-in on the invitation page itself; the page then offers Accept invitation. An account with
 * a factor gets no session here: it takes its second step, which brings it back to the page.
 */
export const signInToAcceptAction = publicAction(signInSchema, async (input, meta) => {
  const done = await authenticateWithPassword(input, meta);
  const pending = await secondStepAfterPassword(done, input.callbackUrl ?? "/");
  if (pending) {
    await setSecondStepCookie(pending);
    return { secondStep: true };
  }
  await startSession(done.accountId, done.sessionVersion);
  return { secondStep: false };
});

/** Signed in as someone else: ends this browser's session so that the invitee can sign in. */
export const signOutToSwitchAction = publicAction(noInputSchema, () => endSession());
