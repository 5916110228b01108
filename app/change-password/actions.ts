"use server";

import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/action";
import { changeTemporaryPassword } from "@/lib/auth/change-password";
import { getCurrentAccount } from "@/lib/auth/current";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { startSession } from "@/lib/auth/session";
import { forbidden } from "@/lib/errors";
import { changePasswordSchema } from "@/lib/validations/password";
import { safeReturnPath } from "@/lib/security/redirects";

export async function changePasswordAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(changePasswordSchema, raw, async (input) => {
    const account = await getCurrentAccount();
    if (!account) throw forbidden();
    const done = await changeTemporaryPassword(account, input, await getRequestMeta());
    // The version was bumped to end every other session; this browser keeps going.
    await startSession(account.id, done.sessionVersion);
    return safeReturnPath(done.organizationSlug ? `/o/${done.organizationSlug}` : null);
  });
  if (!result.ok) return result;
  redirect(result.data);
}
