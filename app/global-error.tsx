"use client";

import { useSyncExternalStore } from "react";
import { ErrorView } from "@/components/error-view";
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
  const t = catalogs[locale];
  return (
    <html lang={locale}>
      <body className="min-h-screen font-sans">
        <ErrorView
          onRetry={reset}
          text={{ ...t, reference: error.digest ? t.reference.replace("{ref}", error.digest) : null }}
        />
      </body>
    </html>
  );
}
