import { Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FilterSelect, Input } from "@/components/ui/input";
import { auditActions } from "@/lib/audit/actions";
import { auditQueryString, parseAuditQuery } from "@/lib/audit/filters";
import { listAuditActors, listAuditEvents } from "@/lib/audit/list";
import { actionLabelKey, auditDetails, auditSentence, detailValueText } from "@/lib/audit/present";
import { requireActor } from "@/lib/auth/require";
import { EmailAddress } from "@/components/ui/email-address";
import { DataTable } from "@/components/ui/data-table";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("auditTitle") };
}

export default async function AuditLogPage({ params, searchParams }: Props) {
  const actor = await requireActor((await params).slug, "audit:read");
  const { filters, page } = parseAuditQuery(await searchParams);
  const [t, tAdmin, format, timeZone] = await Promise.all([
    getTranslations("audit"),
    getTranslations("admin"),
    getFormatter(),
    getTimeZone(),
  ]);
  const [list, actors] = await Promise.all([
    listAuditEvents(actor, filters, page, { timeZone }),
    listAuditActors(actor),
  ]);
  const base = `/o/${actor.organizationSlug}/admin/audit`;
  const formatDate = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  const filtered = Boolean(filters.action || filters.actorAccountId || filters.from || filters.to);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{tAdmin("auditTitle")}</h1>
        <p className="mt-2 text-slate-700">{t("intro", { organization: actor.organizationName })}</p>
      </div>

      <form
        method="get"
        action={base}
        aria-label={t("filters")}
        className="grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4"
      >
        <Field label={t("action")}>
          <FilterSelect
            name="action"
            value={filters.action}
            any={t("allActions")}
            options={auditActions.map((action) => ({ value: action, label: t(actionLabelKey(action)) }))}
          />
        </Field>
        <Field label={t("actor")}>
          <FilterSelect
            name="actor"
            value={filters.actorAccountId}
            any={t("allActors")}
            options={actors.map((a) => ({
              value: a.accountId,
              label: a.name && a.email ? `${a.name} (${a.email})` : (a.name ?? a.email ?? a.accountId),
            }))}
          />
        </Field>
        <Field label={t("from")}>
          <Input type="date" name="from" defaultValue={filters.from ?? ""} />
        </Field>
        <Field label={t("to")}>
          <Input type="date" name="to" defaultValue={filters.to ?? ""} />
        </Field>
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2 lg:col-span-4">
          <Button type="submit">{t("apply")}</Button>
          {filtered && (
            <Link href={base} className="text-sm font-medium text-indigo-700 underline">
              {t("clear")}
            </Link>
          )}
          <Button asChild variant="secondary" className="ml-auto">
            {/* A download, not a page: a plain link so the browser saves the stream. */}
            <a href={`${base}/export${auditQueryString(filters)}`} download>
              <Download aria-hidden className="size-4" />
              {t("exportCsv")}
            </a>
          </Button>
        </div>
      </form>

      <p className="text-sm text-slate-600">{t("timesIn", { timeZone })}</p>

      {list.events.length === 0 ? (
        <p className="rounded-lg bg-white p-6 text-slate-700 shadow-sm ring-1 ring-slate-200">{t("noEvents")}</p>
      ) : (
        <DataTable
          className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
          caption={t("events")}
          columns={[t("when"), t("who"), t("whatAndDetails"), t("target"), t("fromWhere")]}
        >
          {list.events.map((event) => {
            const details = auditDetails(event.details, t, formatDate);
            return (
              <tr key={event.id}>
                <td className="whitespace-nowrap px-3 py-2 text-slate-700">
                  <time dateTime={event.createdAt.toISOString()}>{formatDate(event.createdAt)}</time>
                </td>
                <td className="min-w-40 px-3 py-2">
                  <div className="font-medium text-slate-900">{event.actor.name ?? t("system")}</div>
                  {event.actor.email && (
                    <div className="text-xs text-slate-600">
                      <EmailAddress email={event.actor.email} />
                    </div>
                  )}
                </td>
                <td className="min-w-64 px-3 py-2">
                  <div className="text-slate-900">{auditSentence(event, t)}</div>
                  {details.length > 0 && (
                    <dl aria-label={t("details")} className="mt-1 space-y-0.5 text-xs text-slate-700">
                      {details.map((d) => (
                        <div key={d.label} className="flex flex-wrap gap-x-1">
                          <dt className="font-medium text-slate-900">{t("detailLabel", { label: d.label })}</dt>
                          <dd className="[overflow-wrap:anywhere]">{detailValueText(d)}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </td>
                <td className="min-w-36 px-3 py-2 text-slate-700 [overflow-wrap:anywhere]">
                  {event.target.label ?? t("none")}
                </td>
                <td className="px-3 py-2 text-slate-700">
                  <div>
                    <span className="sr-only">{t("detailLabel", { label: t("ip") })} </span>
                    {event.ip ?? t("unknown")}
                  </div>
                  {event.userAgent && (
                    <div className="max-w-44 truncate text-xs text-slate-600" title={event.userAgent}>
                      <span className="sr-only">{t("detailLabel", { label: t("userAgent") })} </span>
                      {event.userAgent}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}

      {(list.newer || list.older || page.before || page.after) && (
        <nav aria-label={t("pagination")} className="flex flex-wrap gap-3">
          {(page.before || page.after) && (
            <Button asChild variant="secondary" size="sm">
              <Link href={`${base}${auditQueryString(filters)}`}>{t("newest")}</Link>
            </Button>
          )}
          {list.newer && (
            <Button asChild variant="secondary" size="sm">
              <Link href={`${base}${auditQueryString(filters, { after: list.newer })}`} rel="prev">
                {t("newer")}
              </Link>
            </Button>
          )}
          {list.older && (
            <Button asChild variant="secondary" size="sm">
              <Link href={`${base}${auditQueryString(filters, { before: list.older })}`} rel="next">
                {t("older")}
              </Link>
            </Button>
          )}
        </nav>
      )}
    </div>
  );
}
