/** The browser's IANA time zone, written by <TimeZoneCookie>, read when rendering dates. */
export const TIME_ZONE_COOKIE = "gatehouse-tz";

/** The zone when it is one this runtime knows, else undefined. */
export function validTimeZone(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
