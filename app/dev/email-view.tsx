import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

/**
 * One email: a link back to its list, its subject, what `children` say of it, then its two parts
 * side by side. The HTML runs in a sandboxed frame with no scripts; its links open in a new tab
 * so the invitation link can be followed.
 */
export async function EmailView({
  back,
  subject,
  frameTitle,
  html,
  text,
  children,
}: {
  back: { href: string; label: string };
  subject: string;
  frameTitle: string;
  html: string;
  text: string;
  children: ReactNode;
}) {
  const t = await getTranslations("emails.dev");
  const framed = html.replace(/<head>/i, '<head><base target="_blank">');
  return (
    <>
      <Link href={back.href} className="text-sm font-medium text-indigo-700 underline">
        {back.label}
      </Link>
      <h1 className="mt-4 text-2xl font-semibold">{subject}</h1>
      {children}
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="html-part">
          <h2 id="html-part" className="text-lg font-semibold">
            {t("htmlPart")}
          </h2>
          <iframe
            title={frameTitle}
            srcDoc={framed}
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            className="mt-2 h-[48rem] w-full rounded-md bg-white ring-1 ring-slate-200"
          />
        </section>
        <section aria-labelledby="text-part">
          <h2 id="text-part" className="text-lg font-semibold">
            {t("textPart")}
          </h2>
          <pre
            aria-labelledby="text-part"
            className="mt-2 overflow-x-auto whitespace-pre-wrap rounded-md bg-white p-4 font-mono text-sm ring-1 ring-slate-200"
          >
            {text}
          </pre>
        </section>
      </div>
    </>
  );
}
