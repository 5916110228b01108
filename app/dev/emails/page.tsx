import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { emailTemplates } from "@/emails";
import { env } from "@/lib/env";
import { locales } from "@/lib/i18n/config";

export async function generateMetadata() {
  return { title: (await getTranslations("emails.dev"))("previewsTitle") };
}

/** Every template and variant, in every language, rendered from its preview props. */
export default async function EmailPreviewsPage() {
  await connection();
  if (env.isProduction) notFound();
  const t = await getTranslations("emails.dev");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("previewsTitle")}</h1>
      <p className="mt-2 text-slate-600">{t("previewsIntro")}</p>
      <ul className="mt-6 space-y-4">
        {Object.entries(emailTemplates).map(([template, definition]) => (
          <li key={template}>
            <h2 className="font-mono text-base font-semibold">{template}</h2>
            <ul className="mt-1 flex flex-wrap gap-x-6 gap-y-1 text-sm">
              {Object.keys(definition.previews).flatMap((preview) =>
                locales.map((locale) => (
                  <li key={`${preview}-${locale}`}>
                    <Link
                      href={`/dev/emails/${template}/${preview}?locale=${locale}`}
                      className="text-indigo-700 underline"
                    >
                      {preview} ({locale})
                    </Link>
                  </li>
                )),
              )}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}
