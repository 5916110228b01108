import { Crown } from "lucide-react";
import { getFormatter, getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientMessages } from "@/components/i18n/client-messages";
import { AddAdministratorButton } from "@/components/invitations/add-administrator-button";
import { Alert } from "@/components/ui/alert";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/require";
import { listMembers, type MemberRow } from "@/lib/members/list";
import { membersQuerySchema } from "@/lib/validations/members";
import { MemberActions } from "./member-actions";
import { usersHref } from "./users-href";
import { UsersFilters } from "./users-filters";
import { UsersPagination } from "./users-pagination";

type SearchParams = Record<string, string | string[] | undefined>;

function firstValues(params: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

export default async function UsersPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<SearchParams> }) {
  const { slug } = await params;
  const actor = await requireActor(slug, "members:read");
  const query = membersQuerySchema.parse(firstValues(await searchParams));
  const [list, t, format] = await Promise.all([listMembers(actor, query), getTranslations("users"), getFormatter()]);
  if (list.rows.length === 0 && query.page > list.pageCount) redirect(usersHref(slug, { ...query, page: list.pageCount }));
  const canManage = can(actor, "members:manage");
  const filtered = Boolean(query.q || query.role || query.status);
  const day = (d: Date) => format.dateTime(d, { dateStyle: "medium" });
  const moment = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });

  function statusDetail(row: MemberRow): string[] {
    const lines: string[] = [];
    if (row.invitation) {
      lines.push(t(row.status === "expired" ? "invitationExpired" : "invitationExpires", { date: day(row.invitation.expiresAt) }));
      const d = row.invitation.delivery;
      if (d?.state === "retrying") lines.push(t("delivery.retrying", { date: moment(d.nextAttemptAt) }));
      else if (d?.state === "failed") lines.push(d.reason ? t("delivery.failed", { reason: d.reason }) : t("delivery.failedUnknown"));
      else if (d) lines.push(t(`delivery.${d.state}`));
    }
    if (row.accessExpiresAt) lines.push(t("accessUntil", { date: day(row.accessExpiresAt) }));
    return lines;
  }

  return (
    <ClientMessages namespaces={["users"]}>
      <div className="space-y-6">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold">{t("title")}</h1>
            <p className="mt-1 text-sm text-slate-600">{t("intro", { organization: actor.organizationName })}</p>
          </div>
          {canManage && <AddAdministratorButton organizationSlug={slug} />}
        </div>

        {list.activeAdministratorCount === 1 && (
          <Alert tone="warning" className="flex flex-wrap items-center justify-between gap-3">
            <p>{t("recommendation")}</p>
            {canManage && <AddAdministratorButton organizationSlug={slug} variant="secondary" />}
          </Alert>
        )}

        <UsersFilters slug={slug} query={query} clearHref={filtered ? usersHref(slug, {}) : undefined} />

        {list.total === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center">
            <h2 className="text-base font-semibold">{t("noResultsTitle")}</h2>
            <p className="mt-1 text-sm text-slate-600">{t("noResultsBody")}</p>
          </div>
        ) : (
          <>
            {!filtered && list.memberCount === 1 && (
              <div className="rounded-lg border border-dashed border-slate-300 px-6 py-6 text-center">
                <h2 className="text-base font-semibold">{t("emptyTitle")}</h2>
                <p className="mt-1 text-sm text-slate-600">{t("emptyBody")}</p>
              </div>
            )}
            <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">{t("tableCaption")}</caption>
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="px-4 py-3">{t("columns.name")}</th>
                    <th scope="col" className="px-4 py-3">{t("columns.role")}</th>
                    <th scope="col" className="px-4 py-3">{t("columns.status")}</th>
                    <th scope="col" className="px-4 py-3">{t("columns.tags")}</th>
                    <th scope="col" className="px-4 py-3">{t("columns.lastSignIn")}</th>
                    <th scope="col" className="px-4 py-3">{t("columns.invitedBy")}</th>
                    {canManage && (
                      <th scope="col" className="px-4 py-3">
                        <span className="sr-only">{t("columns.actions")}</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {list.rows.map((row) => (
                    <tr key={row.membershipId} className="align-top">
                      <th scope="row" className="px-4 py-3 text-left font-normal">
                        <div className="font-medium text-slate-900">
                          {row.name}
                          {row.accountId === actor.accountId && <span className="ml-1 text-slate-500">({t("you")})</span>}
                        </div>
                        <div className="text-slate-600">{row.email}</div>
                      </th>
                      <td className="px-4 py-3 whitespace-nowrap">
                        <div>{t(`roles.${row.role}`)}</div>
                        {row.isOwner && (
                          <span className="mt-1 inline-flex items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
                            <Crown aria-hidden className="size-3.5" />
                            {t("owner")}
                          </span>
                        )}
                      </td>
                      <td className="min-w-40 px-4 py-3">
                        <StatusBadge status={row.status} label={t(`statuses.${row.status}`)} />
                        {statusDetail(row).map((line) => (
                          <div key={line} className="mt-1 text-xs text-slate-600">{line}</div>
                        ))}
                      </td>
                      <td className="px-4 py-3">
                        <div className="flex flex-col items-start gap-1">
                          {row.tags.map((tag) => (
                            <span key={tag} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{t(`tags.${tag}`)}</span>
                          ))}
                        </div>
                      </td>
                      <td className="px-4 py-3 whitespace-nowrap text-slate-700">{row.lastSignInAt ? day(row.lastSignInAt) : t("never")}</td>
                      <td className="px-4 py-3 whitespace-nowrap text-slate-700">
                        {row.invitedAt ? (
                          <>
                            <div>{row.invitedByName ?? "—"}</div>
                            <div className="text-xs text-slate-600">{day(row.invitedAt)}</div>
                          </>
                        ) : (
                          "—"
                        )}
                      </td>
                      {canManage && (
                        <td className="px-4 py-3 text-right">
                          <MemberActions
                            organizationSlug={slug}
                            organizationName={actor.organizationName}
                            member={{
                              membershipId: row.membershipId,
                              name: row.name,
                              email: row.email,
                              role: row.role,
                              status: row.status,
                              isOwner: row.isOwner,
                              tags: row.tags,
                              accessExpiresAt: row.accessExpiresAt?.toISOString() ?? null,
                              invitationId: row.invitation?.id ?? null,
                            }}
                            isSelf={row.accountId === actor.accountId}
                            actorIsOwner={actor.isOwner}
                          />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <UsersPagination slug={slug} query={query} total={list.total} pageCount={list.pageCount} pageSize={list.pageSize} />
          </>
        )}
      </div>
    </ClientMessages>
  );
}

const statusTones: Record<MemberRow["status"], string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  invited: "bg-sky-50 text-sky-800 ring-sky-200",
  expired: "bg-amber-50 text-amber-900 ring-amber-200",
  disabled: "bg-slate-100 text-slate-700 ring-slate-300",
};

function StatusBadge({ status, label }: { status: MemberRow["status"]; label: string }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${statusTones[status]}`}>{label}</span>;
}
