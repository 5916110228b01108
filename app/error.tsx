"use client";

import { useTranslations } from "next-intl";
import { ErrorView } from "@/components/error-view";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errorPage");
  return (
    <ErrorView
      onRetry={reset}
      text={{
        title: t("title"),
        body: t("body"),
        reference: error.digest ? t("reference", { ref: error.digest }) : null,
        retry: t("retry"),
        goHome: t("goHome"),
      }}
    />
  );
}
