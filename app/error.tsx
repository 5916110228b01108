"use client";

import { TranslatedErrorView } from "@/components/error-view";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <TranslatedErrorView error={error} reset={reset} />;
}
