import { Crown } from "lucide-react";
import { getFormatter, getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ClientMessages } from "@/components/i18n/client-messages";
import { AddAdministratorButton } from "@/components/invitations/add-administrator-button";
import { Alert } from "@/components/ui/alert";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/require";
import { listMembers, type MemberRow } from "@/lib/members/list";
import { membersQuerySchema } from "@/lib/validations/members";
import { MemberActionsHost } from "./member-actions";
import { offeredActions, rowActionLabels, type MemberActionTarget } from "./row-actions";
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
            <MaybeActionsHost enabled={canManage} organizationSlug={slug} organizationName={actor.organizationName} rows={list.rows}>
              <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
                <table className="data-table">
                  <caption className="sr-only">{t("tableCaption")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("columns.name")}</th>
                      <th scope="col">{t("columns.role")}</th>
                      <th scope="col">{t("columns.status")}</th>
                      <th scope="col">{t("columns.tags")}</th>
                      <th scope="col">{t("columns.lastSignIn")}</th>
                      <th scope="col">{t("columns.invitedBy")}</th>
                      {canManage && (
                        <th scope="col">
                          <span className="sr-only">{t("columns.actions")}</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {list.rows.map((row) => (
                      <tr key={row.membershipId}>
                        <th scope="row">
                          <div className="font-medium text-slate-900">
                            {row.name}
                            {row.accountId === actor.accountId && <span className="ml-1 text-slate-500">({t("you")})</span>}
                          </div>
                          <div className="secondary">{row.email}</div>
                        </th>
                        <td className="whitespace-nowrap">
                          <div>{t(`roles.${row.role}`)}</div>
                          {row.isOwner && (
                            <span className="badge badge-owner mt-1">
                              <Crown aria-hidden className="size-3.5" />
                              {t("owner")}
                            </span>
                          )}
                        </td>
                        <td className="min-w-40">
                          <span className={`badge badge-${row.status}`}>{t(`statuses.${row.status}`)}</span>
                          {statusDetail(row).map((line) => (
                            <div key={line} className="detail">
                              {line}
                            </div>
                          ))}
                        </td>
                        <td>
                          {row.tags.length > 0 && (
                            <div className="flex flex-col items-start gap-1">
                              {row.tags.map((tag) => (
                                <span key={tag} className="tag">
                                  {t(`tags.${tag}`)}
                                </span>
                              ))}
                            </div>
                          )}
                        </td>
                        <td className="nowrap">{row.lastSignInAt ? day(row.lastSignInAt) : t("never")}</td>
                        <td className="nowrap">
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
                          <td className="text-right">
                            <div className="row-actions">
                              {offeredActions(
                                { invitationId: row.invitation?.id ?? null, isOwner: row.isOwner, role: row.role, status: row.status },
                                { isSelf: row.accountId === actor.accountId, isOwner: actor.isOwner },
                              ).map((action) => (
                                <button
                                  key={action}
                                  type="button"
                                  className="btn btn-ghost btn-sm"
                                  data-action={action}
                                  data-member={row.membershipId}
                                  aria-label={t(`actions.${rowActionLabels[action].ariaLabel}`, { name: row.name })}
                                >
                                  {t(`actions.${rowActionLabels[action].label}`)}
                                </button>
                              ))}
                            </div>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </MaybeActionsHost>
            <UsersPagination slug={slug} query={query} total={list.total} pageCount={list.pageCount} pageSize={list.pageSize} />
          </>
        )}
      </div>
    </ClientMessages>
  );
}

/** The row actions' dialogs, for a viewer who may manage members; the bare table otherwise. */
function MaybeActionsHost({
  enabled,
  organizationSlug,
  organizationName,
  rows,
  children,
}: {
  enabled: boolean;
  organizationSlug: string;
  organizationName: string;
  rows: MemberRow[];
  children: ReactNode;
}) {
  if (!enabled) return children;
  const members: MemberActionTarget[] = rows.map((row) => ({
    membershipId: row.membershipId,
    name: row.name,
    email: row.email,
    role: row.role,
    status: row.status,
    isOwner: row.isOwner,
    tags: row.tags,
    accessExpiresAt: row.accessExpiresAt?.toISOString() ?? null,
    invitationId: row.invitation?.id ?? null,
  }));
  return (
    <MemberActionsHost organizationSlug={organizationSlug} organizationName={organizationName} members={members}>
      {children}
    </MemberActionsHost>
  );
}
