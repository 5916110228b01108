"use server";

import { accountAction } from "@/lib/action";
import { changeTemporaryPassword } from "@/lib/auth/change-password";
import { startSession } from "@/lib/auth/session";
import { changePasswordSchema } from "@/lib/validations/password";

export const changePasswordAction = accountAction(
  changePasswordSchema,
  async (account, input, meta) => {
    const done = await changeTemporaryPassword(account, input, meta);
    // The version was bumped to end every other session; this browser keeps going.
    await startSession(account.id, done.sessionVersion);
    return done.organizationSlug;
  },
  {
    allowTemporaryPassword: true,
    redirectTo: (organizationSlug) => (organizationSlug ? `/o/${organizationSlug}` : "/"),
  },
);
