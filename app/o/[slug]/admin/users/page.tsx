import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientMessages } from "@/components/i18n/client-messages";
import { AddAdministratorButton } from "@/components/invitations/add-administrator-button";
import { Alert } from "@/components/ui/alert";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/require";
import { listMembers } from "@/lib/members/list";
import { membersQuerySchema } from "@/lib/validations/members";
import { usersHref } from "./users-href";
import { UsersFilters } from "./users-filters";
import { UsersPagination } from "./users-pagination";
import { UsersTable } from "./users-table";

type SearchParams = Record<string, string | string[] | undefined>;

function firstValues(params: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

export default async function UsersPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { slug } = await params;
  const actor = await requireActor(slug, "members:read");
  const query = membersQuerySchema.parse(firstValues(await searchParams));
  const [list, t] = await Promise.all([listMembers(actor, query), getTranslations("users")]);
  if (list.rows.length === 0 && query.page > list.pageCount)
    redirect(usersHref(slug, { ...query, page: list.pageCount }));
  const canManage = can(actor, "members:manage");
  const filtered = Boolean(query.q || query.role || query.status || query.twoStep);
  // One prompt per state: alone in the organization, the empty-state card carries the
  // recommendation; with others, the recommendation is a banner over the table.
  const alone = !filtered && list.total === 1;
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

        {list.soleActiveAdministrator && !alone && (
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
            {alone && (
              <div className="rounded-lg border border-dashed border-amber-300 bg-amber-50 px-6 py-6 text-center">
                <h2 className="text-base font-semibold">{t("emptyTitle")}</h2>
                <p className="mt-1 text-sm text-amber-900">
                  {list.soleActiveAdministrator ? t("recommendation") : t("emptyBody")}
                </p>
                {canManage && (
                  <div className="mt-4">
                    <AddAdministratorButton organizationSlug={slug} variant="secondary" />
                  </div>
                )}
              </div>
            )}
            <UsersTable
              rows={list.rows}
              organizationSlug={slug}
              organizationName={actor.organizationName}
              viewer={{ accountId: actor.accountId, isOwner: actor.isOwner }}
              canManage={canManage}
            />
            <UsersPagination
              slug={slug}
              query={query}
              total={list.total}
              pageCount={list.pageCount}
              pageSize={list.pageSize}
            />
          </>
        )}
      </div>
    </ClientMessages>
  );
}
