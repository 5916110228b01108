"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/action";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { authenticateWithPasskey, secondStepAfterPassword } from "@/lib/auth/second-step";
import { setSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { endAllSessions, endSession, startSession } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/security/redirects";
import { passkeyAuthenticationOptions, type PasskeyCeremony } from "@/lib/two-step";
import { signInSchema } from "@/lib/validations/auth";
import { passkeySignInSchema } from "@/lib/validations/second-step";
import { noInputSchema } from "@/lib/validations/two-step";

export async function signInAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(signInSchema, raw, async (input) => {
    const done = await authenticateWithPassword(input, await getRequestMeta());
    // An account with a factor gets no session yet: only the sealed state of its second step.
    const pending = await secondStepAfterPassword(done, safeReturnPath(input.callbackUrl));
    if (pending) {
      await setSecondStepCookie(pending);
      return "/sign-in/two-step";
    }
    await startSession(done.accountId, done.sessionVersion);
    return done.passwordIsTemporary ? "/change-password" : safeReturnPath(input.callbackUrl);
  });
  if (!result.ok) return result;
  redirect(result.data);
}

/** Options for "Sign in with a passkey": no account named, the authenticator offers its discoverable credentials. */
export async function passkeySignInOptionsAction(): Promise<
  ActionResult<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>>
> {
  return runAction(noInputSchema, {}, () => passkeyAuthenticationOptions(null));
}

/** "Sign in with a passkey": the passkey alone signs in an account that registered one. */
export async function passkeySignInAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(passkeySignInSchema, raw, async (input) => {
    const done = await authenticateWithPasskey(input.response, input.state, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
    return safeReturnPath(input.callbackUrl);
  });
  if (!result.ok) return result;
  redirect(result.data);
}

export async function signOutAction(): Promise<void> {
  await endSession();
  redirect("/sign-in");
}

/** "Sign out everywhere" in the account menu: ends every session of the account, this one included. */
export async function signOutEverywhereAction(): Promise<void> {
  await endAllSessions();
  redirect("/sign-in");
}
