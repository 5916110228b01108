import { NextIntlClientProvider } from "next-intl";
import { getLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { defaultLocale, isLocale } from "@/lib/i18n/config";
import { loadMessages, pickMessages } from "@/lib/i18n/messages";

/** What every page's client components may need: the shell, form validation, the error page. */
const BASE_CLIENT_NAMESPACES = ["common", "nav", "validation", "errors", "errorPage"] as const;

/**
 * Gives the client components below it the catalog namespaces they use, and only those: the
 * messages travel with every server render, so the whole catalog (~30 kB) on each page would be
 * serialized, sent and parsed for nothing. A nested provider replaces the outer one's messages,
 * so the base namespaces are always included.
 */
export async function ClientMessages({
  namespaces = [],
  children,
}: {
  namespaces?: readonly string[];
  children: ReactNode;
}) {
  const locale = await getLocale();
  const catalog = loadMessages(isLocale(locale) ? locale : defaultLocale);
  return (
    <NextIntlClientProvider messages={pickMessages(catalog, [...BASE_CLIENT_NAMESPACES, ...namespaces])}>
      {children}
    </NextIntlClientProvider>
  );
}
