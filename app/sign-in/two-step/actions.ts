"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/action";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { completeSecondStep, openPendingSignIn } from "@/lib/auth/second-step";
import { clearSecondStepCookie, readSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { startSession } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { passkeyAuthenticationOptions, type PasskeyCeremony } from "@/lib/two-step";
import { noInputSchema } from "@/lib/validations/two-step";
import { secondStepSchema } from "@/lib/validations/second-step";

/** A code, a recovery code or a passkey for the pending sign-in: a session, then its return target. */
export async function verifySecondStepAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(secondStepSchema, raw, async (input) => {
    const done = await completeSecondStep(await readSecondStepCookie(), input, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
    await clearSecondStepCookie();
    return done.returnTo;
  });
  if (!result.ok) return result;
  redirect(result.data);
}

/** The options for "Use a passkey": the pending sign-in's account's passkeys, with their sealed challenge. */
export async function secondStepPasskeyOptionsAction(): Promise<
  ActionResult<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>>
> {
  return runAction(noInputSchema, {}, async () => {
    const pending = openPendingSignIn(await readSecondStepCookie());
    if (!pending) throw new DomainError("auth.secondStepExpired", { status: 400 });
    return passkeyAuthenticationOptions(pending.accountId);
  });
}

/** "Start over": forgets the pending sign-in and goes back to the password. */
export async function cancelSecondStepAction(): Promise<void> {
  await clearSecondStepCookie();
  redirect("/sign-in");
}
