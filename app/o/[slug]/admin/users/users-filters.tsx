import { Search } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FilterSelect, Input } from "@/components/ui/input";
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
  const filters = [
    {
      name: "role",
      label: t("role"),
      value: query.role,
      any: t("anyRole"),
      options: memberRoles.map((role) => ({ value: role, label: t(`roles.${role}`) })),
    },
    {
      name: "status",
      label: t("status"),
      value: query.status,
      any: t("anyStatus"),
      options: memberListStatuses.map((status) => ({ value: status, label: t(`statuses.${status}`) })),
    },
    {
      name: "twoStep",
      label: t("twoStep"),
      value: query.twoStep,
      any: t("anyTwoStep"),
      options: memberTwoStepFilters.map((state) => ({ value: state, label: t(`twoStepStates.${state}`) })),
    },
  ];
  return (
    <form
      role="search"
      aria-label={t("filters")}
      method="get"
      action={`/o/${slug}/admin/users`}
      className="flex flex-wrap items-end gap-3"
    >
      <div className="min-w-64 flex-1">
        <Field label={t("search")}>
          <Input name="q" type="search" defaultValue={query.q} maxLength={100} />
        </Field>
      </div>
      {filters.map(({ label, ...filter }) => (
        <Field key={filter.name} label={label}>
          <FilterSelect {...filter} />
        </Field>
      ))}
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
