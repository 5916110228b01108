import { connection } from "next/server";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { readMailboxMessage } from "@/lib/email/mailbox";
import { env } from "@/lib/env";
import { EmailView } from "../../email-view";

export async function generateMetadata() {
  return { title: (await getTranslations("emails.dev"))("mailboxTitle") };
}

export default async function MailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  if (env.isProduction) notFound();
  const message = await readMailboxMessage((await params).id);
  if (!message) notFound();
  const [t, format] = await Promise.all([getTranslations("emails.dev"), getFormatter()]);
  return (
    <EmailView
      back={{ href: "/dev/mailbox", label: t("backToMailbox") }}
      subject={message.subject}
      frameTitle={message.subject}
      html={message.html}
      text={message.text}
    >
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-medium">{t("from")}</dt>
        <dd>{message.from}</dd>
        <dt className="font-medium">{t("to")}</dt>
        <dd>{message.to}</dd>
        <dt className="font-medium">{t("sentAt")}</dt>
        <dd>{format.dateTime(new Date(message.sentAt), { dateStyle: "medium", timeStyle: "medium" })}</dd>
      </dl>
    </EmailView>
  );
}
