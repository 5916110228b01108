"use server";

import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/action";
import { getRequestMeta } from "@/lib/auth/request-meta";
import { startSession } from "@/lib/auth/session";
import { completeFirstRun } from "@/lib/setup/first-run";
import { setupSchema } from "@/lib/validations/auth";
import { safeReturnPath } from "@/lib/security/redirects";

export async function setupAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await runAction(setupSchema, raw, async (input) => {
    const done = await completeFirstRun(input, await getRequestMeta());
    await startSession(done.accountId, done.sessionVersion);
    return done.organization.slug;
  });
  if (!result.ok) return result;
  redirect(safeReturnPath(`/o/${result.data}`));
}
