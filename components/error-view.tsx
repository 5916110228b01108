import { useTranslations } from "next-intl";

type ErrorViewText = { title: string; body: string; reference: string | null; retry: string; goHome: string };

/** The page an unexpected error shows: what happened, the reference the log line carries, a way on. */
function ErrorView({ text, onRetry }: { text: ErrorViewText; onRetry: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">{text.title}</h1>
      <p className="mt-3 text-slate-600">{text.body}</p>
      {text.reference && <p className="mt-3 font-mono text-sm text-slate-800">{text.reference}</p>}
      <div className="mt-6 flex justify-center gap-3">
        {/* Plain elements with the button component classes: error.tsx and global-error.tsx are
            loaded with every page, each in a chunk of its own, and through the Button component
            each would carry another copy of Radix Slot. */}
        <button type="button" onClick={onRetry} className="btn btn-primary btn-md">
          {text.retry}
        </button>
        {/* A full page load, not a client-side navigation: after an unexpected error the page's
            state (or a deployment's changed chunks) is not to be relied on. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/" className="btn btn-secondary btn-md">
          {text.goHome}
        </a>
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
