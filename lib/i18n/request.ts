import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { getCurrentAccount } from "@/lib/auth/current";
import { defaultLocale, isLocale, localeFromAcceptLanguage, type AppLocale } from "./config";
import { loadMessages } from "./messages";
import { TIME_ZONE_COOKIE, validTimeZone } from "./time-zone";

export const LOCALE_COOKIE = "gatehouse-locale";

/**
 * The signed-in account's language, else the one last saved on this browser's account page (its
 * cookie, kept after sign-out), else the browser's Accept-Language, else English.
 */
export async function resolveLocale(): Promise<AppLocale> {
  const account = await getCurrentAccount();
  if (account?.locale) return account.locale;
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;
  return localeFromAcceptLanguage((await headers()).get("accept-language")) ?? defaultLocale;
}

/** The account's chosen zone, else the browser's own (its cookie, written by <TimeZoneCookie>), else UTC. */
async function resolveTimeZone(): Promise<string> {
  const chosen = validTimeZone((await getCurrentAccount())?.timeZone ?? undefined);
  if (chosen) return chosen;
  const cookie = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  return validTimeZone(cookie ? decodeURIComponent(cookie) : undefined) ?? "UTC";
}

export default getRequestConfig(async () => {
  const [locale, timeZone] = await Promise.all([resolveLocale(), resolveTimeZone()]);
  return { locale, messages: loadMessages(locale), timeZone };
});
