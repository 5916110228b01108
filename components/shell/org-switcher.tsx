"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId } from "react";

export type SwitcherOrganization = { slug: string; name: string };

/** A labelled select that opens the chosen organization. */
export function OrgSwitcher({ organizations, current }: { organizations: SwitcherOrganization[]; current: string }) {
  const t = useTranslations("nav");
  const router = useRouter();
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        {t("switchOrganization")}
      </label>
      <select
        id={id}
        value={current}
        onChange={(e) => router.push(`/o/${e.target.value}`)}
        className="max-w-56 rounded-md border-0 bg-slate-800 py-1.5 pl-2 pr-8 text-sm font-medium text-white ring-1 ring-slate-600 focus:ring-2 focus:ring-indigo-400"
      >
        {organizations.map((org) => (
          <option key={org.slug} value={org.slug}>
            {org.name}
          </option>
        ))}
      </select>
    </div>
  );
}
