"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/**
 * A navigation item. It is the current page (`aria-current="page"`) only on its own path; on a
 * page below it (a member's page under Users) it is highlighted and marked as the current section.
 * `exact` items (Overview, whose path is every page's prefix) are never a section.
 */
export function NavLink({ href, exact = false, children }: { href: string; exact?: boolean; children: ReactNode }) {
  const pathname = usePathname();
  const current = pathname === href ? "page" : !exact && pathname.startsWith(`${href}/`) ? "true" : undefined;
  return (
    <Link
      href={href}
      aria-current={current}
      className={cn(
        "block rounded-md px-3 py-1.5 text-sm",
        current ? "bg-indigo-50 font-medium text-indigo-800" : "text-slate-700 hover:bg-slate-100",
      )}
    >
      {children}
    </Link>
  );
}
