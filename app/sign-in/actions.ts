"use server";

import { publicAction } from "@/lib/action";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { authenticateWithPasskey, secondStepAfterPassword } from "@/lib/auth/second-step";
import { setSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { endAllSessions, endSession, startSession } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/security/redirects";
import { passkeyAuthenticationOptions } from "@/lib/two-step";
import { signInSchema } from "@/lib/validations/auth";
import { passkeySignInSchema } from "@/lib/validations/second-step";
import { noInputSchema } from "@/lib/validations/two-step";

const toTarget = { redirectTo: (target: string) => target };

export const signInAction = publicAction(
  signInSchema,
  async (input, meta) => {
    const done = await authenticateWithPassword(input, meta);
    // An account with a factor gets no session yet: only the sealed state of its second step.
    const pending = await secondStepAfterPassword(done, safeReturnPath(input.callbackUrl));
    if (pending) {
      await setSecondStepCookie(pending);
      return "/sign-in/two-step";
    }
    await startSession(done.accountId, done.sessionVersion);
    return done.passwordIsTemporary ? "/change-password" : safeReturnPath(input.callbackUrl);
  },
  toTarget,
);

/** Options for "Sign in with a passkey": no account named, the authenticator offers its discoverable credentials. */
export const passkeySignInOptionsAction = publicAction(noInputSchema, () => passkeyAuthenticationOptions(null));

/** "Sign in with a passkey": the passkey alone signs in an account that registered one. */
export const passkeySignInAction = publicAction(
  passkeySignInSchema,
  async (input, meta) => {
    const done = await authenticateWithPasskey(input.response, input.state, meta);
    await startSession(done.accountId, done.sessionVersion);
    return safeReturnPath(input.callbackUrl);
  },
  toTarget,
);

export const signOutAction = publicAction(noInputSchema, () => endSession(), { redirectTo: "/sign-in", form: true });

/** "Sign out everywhere" in the account menu: ends every session of the account, this one included. */
export const signOutEverywhereAction = publicAction(noInputSchema, () => endAllSessions(), {
  redirectTo: "/sign-in",
  form: true,
});
