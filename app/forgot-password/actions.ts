"use server";

import { getLocale } from "next-intl/server";
import { publicAction } from "@/lib/action";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { isLocale } from "@/lib/i18n/config";
import { forgotPasswordSchema } from "@/lib/validations/password";

export const forgotPasswordAction = publicAction(forgotPasswordSchema, async (input, meta) => {
  const locale = await getLocale();
  await requestPasswordReset(input, meta, isLocale(locale) ? locale : "en");
  return null;
});
