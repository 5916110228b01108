import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { usersHref } from "@/app/o/[slug]/admin/users/users-href";
import { AddAdministratorButton } from "@/components/invitations/add-administrator-button";
import { Alert } from "@/components/ui/alert";
import { auditQueryString } from "@/lib/audit/filters";
import { auditSentence } from "@/lib/audit/present";
import type { AuditAction } from "@/lib/audit/actions";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/require";
import { FAILED_EMAIL_WINDOW_DAYS, getOrganizationOverview } from "@/lib/organizations/overview";
import { organizationTitleTemplate } from "./title";

// The organization layout's title template applies below it, not to this page beside it.
export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const [t, template] = await Promise.all([
    getTranslations("nav"),
    params.then(({ slug }) => organizationTitleTemplate(slug)),
  ]);
  return { title: { absolute: template.replace("%s", t("overview")) } };
}

/** The day of an instant in a time zone, as the Audit log's filters take it (YYYY-MM-DD). */
function dayIn(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    instant,
  );
}

function Count({
  label,
  value,
  href,
  children,
}: {
  label: string;
  value: string;
  href?: string;
  children?: ReactNode;
}) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900">
        {href ? (
          <Link href={href} className="underline-offset-2 hover:underline">
            {value}
          </Link>
        ) : (
          value
        )}
      </dd>
      {children}
    </div>
  );
}

export default async function OrganizationOverview({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requireActor((await params).slug);
  const t = await getTranslations("orgs");
  if (!can(actor, "admin:access"))
    return (
      <div>
        <h1 className="text-2xl font-semibold">{actor.organizationName}</h1>
        <p className="mt-2 text-slate-700">{t("overviewMember", { organization: actor.organizationName })}</p>
      </div>
    );

  const [overview, tu, ta, format, timeZone] = await Promise.all([
    getOrganizationOverview(actor),
    getTranslations("users"),
    getTranslations("audit"),
    getFormatter(),
    getTimeZone(),
  ]);
  const slug = actor.organizationSlug;
  const audit = `/o/${slug}/admin/audit`;
  const number = (n: number) => format.number(n);
  const canManage = can(actor, "members:manage");

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">{actor.organizationName}</h1>
        <p className="mt-2 text-slate-700">{t("overviewAdmin", { organization: actor.organizationName })}</p>
      </div>

      {overview.administrators === 1 && (
        <Alert tone="warning" className="flex flex-wrap items-center justify-between gap-3">
          <p>{tu("recommendation")}</p>
          {canManage && <AddAdministratorButton organizationSlug={slug} variant="secondary" />}
        </Alert>
      )}

      <section aria-labelledby="overview-counts">
        <h2 id="overview-counts" className="text-lg font-semibold">
          {t("overviewCountsTitle")}
        </h2>
        <dl className="mt-3 grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <Count
            label={t("countMembers")}
            value={number(overview.members)}
            href={usersHref(slug, { status: "active" })}
          />
          <Count
            label={t("countAdministrators")}
            value={number(overview.administrators)}
            href={usersHref(slug, { role: "administrator" })}
          />
          <Count
            label={t("countPendingInvitations")}
            value={number(overview.pendingInvitations)}
            href={usersHref(slug, { status: "invited" })}
          />
          <Count label={t("countEmails")} value={number(overview.emailsRetrying + overview.emailsFailed)}>
            <dd className="mt-1 text-xs text-slate-600">
              {t("countEmailsDetail", {
                retrying: number(overview.emailsRetrying),
                failed: number(overview.emailsFailed),
                days: FAILED_EMAIL_WINDOW_DAYS,
              })}
            </dd>
          </Count>
        </dl>
      </section>

      <section aria-labelledby="overview-activity">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="overview-activity" className="text-lg font-semibold">
            {t("recentActivity")}
          </h2>
          <Link href={audit} className="text-sm font-medium text-indigo-700 underline">
            {t("openAuditLog")}
          </Link>
        </div>
        {overview.events.length === 0 ? (
          <p className="mt-3 text-slate-700">{t("noActivity")}</p>
        ) : (
          <ol className="mt-3 divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            {overview.events.map((event) => {
              const day = dayIn(timeZone, event.createdAt);
              // The person's page when the event is about a current member, else that day of the log.
              const href = event.membershipId
                ? `/o/${slug}/admin/users/${event.membershipId}`
                : `${audit}${auditQueryString({ action: event.action as AuditAction, from: day, to: day })}`;
              return (
                <li key={event.id} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:gap-4">
                  <time dateTime={event.createdAt.toISOString()} className="shrink-0 text-sm text-slate-600 sm:w-44">
                    {format.dateTime(event.createdAt, { dateStyle: "medium", timeStyle: "short" })}
                  </time>
                  <Link
                    href={href}
                    className="min-w-0 text-sm text-slate-900 underline-offset-2 hover:underline [overflow-wrap:break-word]"
                  >
                    {auditSentence(event, ta)}
                  </Link>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </div>
  );
}
