"use server";

import { publicAction } from "@/lib/action";
import { completeSecondStep, openPendingSignIn } from "@/lib/auth/second-step";
import { clearSecondStepCookie, readSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { startSession } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { passkeyAuthenticationOptions } from "@/lib/two-step";
import { noInputSchema } from "@/lib/validations/two-step";
import { secondStepSchema } from "@/lib/validations/second-step";

/** A code, a recovery code or a passkey for the pending sign-in: a session, then its return target. */
export const verifySecondStepAction = publicAction(
  secondStepSchema,
  async (input, meta) => {
    const done = await completeSecondStep(await readSecondStepCookie(), input, meta);
    await startSession(done.accountId, done.sessionVersion);
    await clearSecondStepCookie();
    return done.returnTo;
  },
  { redirectTo: (returnTo) => returnTo },
);

/** The options for "Use a passkey": the pending sign-in's account's passkeys, with their sealed challenge. */
export const secondStepPasskeyOptionsAction = publicAction(noInputSchema, async () => {
  const pending = openPendingSignIn(await readSecondStepCookie());
  if (!pending) throw new DomainError("auth.secondStepExpired", { status: 400 });
  return passkeyAuthenticationOptions(pending.accountId);
});

/** "Start over": forgets the pending sign-in and goes back to the password. */
export const cancelSecondStepAction = publicAction(noInputSchema, () => clearSecondStepCookie(), {
  redirectTo: "/sign-in",
  form: true,
});
