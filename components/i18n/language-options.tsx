"use client";

import { useTranslations } from "next-intl";
import { locales } from "@/lib/i18n/config";

/** The `<option>`s of a language select: each language by its own name, marked with its `lang`. */
export function LanguageOptions() {
  const tc = useTranslations("common");
  const names = { en: tc("english"), fr: tc("french") } as const;
  return locales.map((locale) => (
    <option key={locale} value={locale} lang={locale}>
      {names[locale]}
    </option>
  ));
}
