import { connection } from "next/server";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { emailTemplates } from "@/emails";
import { renderTemplate } from "@/lib/email/render";
import type { EmailTemplateName } from "@/lib/email/types";
import { env } from "@/lib/env";
import { defaultLocale, isLocale } from "@/lib/i18n/config";
import { EmailView } from "../../../email-view";

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
    <EmailView
      back={{ href: "/dev/emails", label: t("previewsTitle") }}
      subject={email.subject}
      frameTitle={t("previewOf", { name: `${template} ${preview}` })}
      html={email.html}
      text={email.text}
    >
      <p className="mt-1 font-mono text-sm text-slate-600">
        {template} · {preview} · {locale}
      </p>
    </EmailView>
  );
}
