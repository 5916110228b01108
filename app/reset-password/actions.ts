"use server";

import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/action";
import { completePasswordReset } from "@/lib/auth/password-reset";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { startSession } from "@/lib/auth/session";
import { resetPasswordSchema } from "@/lib/validations/password";
import { DEFAULT_RETURN_PATH } from "@/lib/security/redirects";

export async function resetPasswordAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(resetPasswordSchema, raw, async (input) => {
    const done = await completePasswordReset(input, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
  });
  if (!result.ok) return result;
  redirect(DEFAULT_RETURN_PATH);
}
