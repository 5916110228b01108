import Link from "next/link";
import { connection } from "next/server";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { emailTemplates } from "@/emails";
import { renderTemplate } from "@/lib/email/render";
import type { EmailTemplateName } from "@/lib/email/types";
import { env } from "@/lib/env";
import { defaultLocale, isLocale } from "@/lib/i18n/config";
import { EmailParts } from "../../../email-parts";

function isTemplate(name: string): name is EmailTemplateName {
  return Object.hasOwn(emailTemplates, name);
}

export default async function EmailPreviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ template: string; preview: string }>;
  searchParams: Promise<{ locale?: string }>;
}) {
  await connection();
  if (env.isProduction) notFound();
  const [{ template, preview }, { locale: requested }] = await Promise.all([params, searchParams]);
  if (!isTemplate(template)) notFound();
  const previews: Record<string, (typeof emailTemplates)[typeof template]["previews"][string]> =
    emailTemplates[template].previews;
  const props = Object.hasOwn(previews, preview) ? previews[preview] : undefined;
  if (!props) notFound();
  const locale = isLocale(requested) ? requested : defaultLocale;
  const [t, email] = await Promise.all([getTranslations("emails.dev"), renderTemplate(template, { ...props, locale })]);
  return (
    <>
      <Link href="/dev/emails" className="text-sm font-medium text-indigo-700 underline">
        {t("previewsTitle")}
      </Link>
      <h1 className="mt-4 text-2xl font-semibold">{email.subject}</h1>
      <p className="mt-1 font-mono text-sm text-slate-600">
        {template} · {preview} · {locale}
      </p>
      <EmailParts title={t("previewOf", { name: `${template} ${preview}` })} html={email.html} text={email.text} />
    </>
  );
}
