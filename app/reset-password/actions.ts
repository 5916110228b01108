"use server";

import { publicAction } from "@/lib/action";
import { completePasswordReset } from "@/lib/auth/password-reset";
import { startSession } from "@/lib/auth/session";
import { resetPasswordSchema } from "@/lib/validations/password";
import { DEFAULT_RETURN_PATH } from "@/lib/security/redirects";

export const resetPasswordAction = publicAction(
  resetPasswordSchema,
  async (input, meta) => {
    const done = await completePasswordReset(input, meta);
    await startSession(done.accountId, done.sessionVersion);
  },
  { redirectTo: DEFAULT_RETURN_PATH },
);
