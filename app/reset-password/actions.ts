"use server";

import { publicAction } from "@/lib/action";
import { completePasswordReset } from "@/lib/auth/password-reset";
import { secondStepAfterPassword } from "@/lib/auth/second-step";
import { setSecondStepCookie } from "@/lib/auth/second-step-cookie";
import { startSession } from "@/lib/auth/session";
import { resetPasswordSchema } from "@/lib/validations/password";
import { DEFAULT_RETURN_PATH } from "@/lib/security/redirects";

export const resetPasswordAction = publicAction(
  resetPasswordSchema,
  async (input, meta) => {
    const done = await completePasswordReset(input, meta);
    // A reset link proves the mailbox, not the second factor: an account with one still takes it.
    const pending = await secondStepAfterPassword({ ...done, passwordIsTemporary: false }, DEFAULT_RETURN_PATH);
    if (pending) {
      await setSecondStepCookie(pending);
      return "/sign-in/two-step";
    }
    await startSession(done.accountId, done.sessionVersion);
    return DEFAULT_RETURN_PATH;
  },
  { redirectTo: (target: string) => target },
);
