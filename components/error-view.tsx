import { useTranslations } from "next-intl";
import Link from "next/link";
import { Button } from "@/components/ui/button";

export type ErrorViewText = { title: string; body: string; reference: string | null; retry: string; goHome: string };

/** The page an unexpected error shows: what happened, the reference the log line carries, a way on. */
export function ErrorView({ text, onRetry }: { text: ErrorViewText; onRetry: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">{text.title}</h1>
      <p className="mt-3 text-slate-600">{text.body}</p>
      {text.reference && <p className="mt-3 font-mono text-sm text-slate-800">{text.reference}</p>}
      <div className="mt-6 flex justify-center gap-3">
        <Button onClick={onRetry}>{text.retry}</Button>
        <Button asChild variant="secondary">
          <Link href="/">{text.goHome}</Link>
        </Button>
      </div>
    </main>
  );
}

/** The error page in the language of the messages provided above it (the `errorPage` namespace). */
export function TranslatedErrorView({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
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
