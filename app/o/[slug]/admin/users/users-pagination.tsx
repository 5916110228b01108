import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { integerFormatter } from "@/lib/i18n/formatters";
import type { MembersQuery } from "@/lib/validations/members";
import { usersHref } from "./users-href";

const linkClass = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset ring-slate-300 hover:bg-slate-50";

export async function UsersPagination({
  slug,
  query,
  total,
  pageCount,
  pageSize,
}: {
  slug: string;
  query: MembersQuery;
  total: number;
  pageCount: number;
  pageSize: number;
}) {
  const [t, locale] = await Promise.all([getTranslations("users"), getLocale()]);
  const numbers = integerFormatter(locale);
  const page = Math.min(query.page, pageCount);
  const from = Math.min(total, (page - 1) * pageSize + 1);
  const to = Math.min(total, page * pageSize);
  return (
    <nav
      aria-label={t("pagination")}
      className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700"
    >
      <p>{t("summary", { from: numbers.format(from), to: numbers.format(to), total: numbers.format(total) })}</p>
      <div className="flex items-center gap-3">
        {page > 1 && (
          <Link href={usersHref(slug, { ...query, page: page - 1 })} className={linkClass} rel="prev">
            {t("previous")}
          </Link>
        )}
        <span aria-current="page">
          {t("pageOf", { page: numbers.format(page), pageCount: numbers.format(pageCount) })}
        </span>
        {page < pageCount && (
          <Link href={usersHref(slug, { ...query, page: page + 1 })} className={linkClass} rel="next">
            {t("next")}
          </Link>
        )}
      </div>
    </nav>
  );
}
