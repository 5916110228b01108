"use server";

import { cookies } from "next/headers";
import { accountAction, type ActionResult } from "@/lib/action";
import { changeAccountPassword } from "@/lib/account/password";
import { updateAccountPreferences, type AccountPreferencesSaved } from "@/lib/account/profile";
import { startSession } from "@/lib/auth/session";
import { LOCALE_COOKIE } from "@/lib/i18n/request";
import { accountPasswordSchema, accountPreferencesSchema } from "@/lib/validations/account";

const savePreferences = accountAction(accountPreferencesSchema, async (account, input, meta) => {
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

const changePassword = accountAction(accountPasswordSchema, async (account, input, meta) => {
  const done = await changeAccountPassword(account, input, meta);
  // Every session was revoked with the password change; this browser continues in a new one.
  await startSession(account.id, done.sessionVersion);
  return true as const;
});

export async function updateAccountPreferencesAction(raw: unknown): Promise<ActionResult<AccountPreferencesSaved>> {
  return savePreferences(raw);
}

export async function changeAccountPasswordAction(raw: unknown): Promise<ActionResult<true>> {
  return changePassword(raw);
}
