"use client";

import { NextIntlClientProvider } from "next-intl";
import { useSyncExternalStore } from "react";
import { TranslatedErrorView } from "@/components/error-view";
import { localeFromAcceptLanguage } from "@/lib/i18n/config";
import en from "@/lib/i18n/messages/en/errorPage.json";
import fr from "@/lib/i18n/messages/fr/errorPage.json";
import "./globals.css";

const catalogs = { en, fr };

// The root layout (and with it the message provider) failed: the browser's languages choose.
function browserLocale() {
  return localeFromAcceptLanguage(navigator.languages.join(",")) ?? "en";
}

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const locale = useSyncExternalStore(
    () => () => {},
    browserLocale,
    () => "en" as const,
  );
  return (
    <html lang={locale}>
      <body className="min-h-screen font-sans">
        {/* The catalog files imported here are compiled by next-intl's loader, like every message. */}
        <NextIntlClientProvider locale={locale} messages={{ errorPage: catalogs[locale] }}>
          <TranslatedErrorView error={error} reset={reset} />
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
