import { createTranslator } from "next-intl";
import type { AppLocale } from "@/lib/i18n/config";
import { dateFormatter } from "@/lib/i18n/formatters";
import { loadMessages } from "@/lib/i18n/messages";
import type catalog from "@/lib/i18n/messages/en/emails.json";

// The English catalog gives the keys their type; the unit test on catalogs keeps French in step.
type EmailMessages = { emails: typeof catalog };

/** The `emails` namespace of a locale's catalog: emails are rendered outside any request. */
export function emailTranslator(locale: AppLocale) {
  return createTranslator({ locale, messages: loadMessages(locale) as EmailMessages, namespace: "emails" });
}

/**
 * A moment as the recipient reads it, with its time zone: "December 4, 2026 at 18:00 UTC" /
 * "4 décembre 2026 à 18:00 UTC". Accounts carry no time zone, so every email speaks UTC.
 */
export function formatEmailDate(locale: AppLocale, iso: string): string {
  return dateFormatter(locale === "fr" ? "fr-FR" : "en-US", "UTC", "momentWithZone").format(new Date(iso));
}
