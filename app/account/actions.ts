"use server";

import { cookies } from "next/headers";
import { accountAction } from "@/lib/action";
import { changeAccountPassword } from "@/lib/account/password";
import { updateAccountPreferences } from "@/lib/account/profile";
import { startSession } from "@/lib/auth/session";
import { LOCALE_COOKIE } from "@/lib/i18n/request";
import { accountPasswordSchema, accountPreferencesSchema } from "@/lib/validations/account";

export const updateAccountPreferencesAction = accountAction(accountPreferencesSchema, async (account, input, meta) => {
  const saved = await updateAccountPreferences(account, input, meta);
  // The cookie carries the choice to pages read before sign-in and after sign-out too.
  const jar = await cookies();
  if (saved.locale) {
    jar.set(LOCALE_COOKIE, saved.locale, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "lax" });
  } else {
    jar.delete(LOCALE_COOKIE);
  }
  return saved;
});

export const changeAccountPasswordAction = accountAction(accountPasswordSchema, async (account, input, meta) => {
  const done = await changeAccountPassword(account, input, meta);
  // Every session was revoked with the password change; this browser continues in a new one.
  await startSession(account.id, done.sessionVersion);
  return true as const;
});
