import { Search } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { memberListStatuses, memberRoles, memberTwoStepFilters, type MembersQuery } from "@/lib/validations/members";

/** A plain GET form: the search and filters live in the URL, so a view can be shared or reloaded. */
export async function UsersFilters({
  slug,
  query,
  clearHref,
}: {
  slug: string;
  query: MembersQuery;
  clearHref?: string;
}) {
  const t = await getTranslations("users");
  return (
    <form
      role="search"
      aria-label={t("filters")}
      method="get"
      action={`/o/${slug}/admin/users`}
      className="flex flex-wrap items-end gap-3"
    >
      <div className="min-w-64 flex-1">
        <label htmlFor="users-q" className="block text-sm font-medium text-slate-900">
          {t("search")}
        </label>
        <Input id="users-q" name="q" type="search" defaultValue={query.q} maxLength={100} className="mt-1.5" />
      </div>
      <div>
        <label htmlFor="users-role" className="block text-sm font-medium text-slate-900">
          {t("role")}
        </label>
        <Select id="users-role" name="role" defaultValue={query.role ?? ""} className="mt-1.5">
          <option value="">{t("anyRole")}</option>
          {memberRoles.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="users-status" className="block text-sm font-medium text-slate-900">
          {t("status")}
        </label>
        <Select id="users-status" name="status" defaultValue={query.status ?? ""} className="mt-1.5">
          <option value="">{t("anyStatus")}</option>
          {memberListStatuses.map((status) => (
            <option key={status} value={status}>
              {t(`statuses.${status}`)}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="users-two-step" className="block text-sm font-medium text-slate-900">
          {t("twoStep")}
        </label>
        <Select id="users-two-step" name="twoStep" defaultValue={query.twoStep ?? ""} className="mt-1.5">
          <option value="">{t("anyTwoStep")}</option>
          {memberTwoStepFilters.map((state) => (
            <option key={state} value={state}>
              {t(`twoStepStates.${state}`)}
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" variant="secondary">
        <Search aria-hidden className="size-4" />
        {t("apply")}
      </Button>
      {clearHref && (
        <Link href={clearHref} className="h-10 content-center px-2 text-sm font-medium text-indigo-700 hover:underline">
          {t("clearFilters")}
        </Link>
      )}
    </form>
  );
}
