import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { organizationTitleTemplate } from "@/app/o/[slug]/title";

/** The Users page's tab title; the pages below it (a member, the wizard) name themselves. */
export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const [t, template] = await Promise.all([
    getTranslations("admin"),
    params.then(({ slug }) => organizationTitleTemplate(slug)),
  ]);
  return { title: { default: t("usersTitle"), template } };
}

export default function UsersLayout({ children }: { children: ReactNode }) {
  return children;
}
