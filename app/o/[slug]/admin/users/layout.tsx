import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

/** The Users page's tab title; the pages below it (a member, the wizard) name themselves. */
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("usersTitle") };
}

export default function UsersLayout({ children }: { children: ReactNode }) {
  return children;
}
