import Link from "next/link";
import { connection } from "next/server";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { listMailbox } from "@/lib/email/mailbox";
import { env } from "@/lib/env";
import { DataTable } from "@/components/ui/data-table";

export async function generateMetadata() {
  return { title: (await getTranslations("emails.dev"))("mailboxTitle") };
}

/** Every email the development mailbox received, newest first. */
export default async function MailboxPage() {
  await connection();
  if (env.isProduction) notFound();
  const [t, format, messages] = await Promise.all([getTranslations("emails.dev"), getFormatter(), listMailbox()]);
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("mailboxTitle")}</h1>
      <p className="mt-2 text-slate-600">{t("mailboxIntro", { dir: env.MAILBOX_DIR })}</p>
      {env.emailTransport === "resend" && (
        <Alert tone="warning" className="mt-4">
          {t("mailboxResend")}
        </Alert>
      )}
      {messages.length === 0 ? (
        <p className="mt-6 text-slate-600">{t("mailboxEmpty")}</p>
      ) : (
        <DataTable className="card mt-6 p-0" caption={t("mailboxTitle")} columns={[t("to"), t("subject"), t("sentAt")]}>
          {messages.map((m) => (
            <tr key={m.id}>
              <td>{m.to}</td>
              <td>
                <Link href={`/dev/mailbox/${m.id}`} className="font-medium text-indigo-700 underline">
                  {m.subject}
                </Link>
              </td>
              <td className="nowrap">
                {format.dateTime(new Date(m.sentAt), { dateStyle: "medium", timeStyle: "medium" })}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
