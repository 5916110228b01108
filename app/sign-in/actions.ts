"use server";

import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/action";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { endAllSessions, endSession, startSession } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/security/redirects";
import { signInSchema } from "@/lib/validations/auth";

export async function signInAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(signInSchema, raw, async (input) => {
    const done = await authenticateWithPassword(input, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
    return done.passwordIsTemporary ? "/change-password" : safeReturnPath(input.callbackUrl);
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
