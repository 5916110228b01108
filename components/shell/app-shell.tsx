import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { signOutAction, signOutEverywhereAction } from "@/app/sign-in/actions";
import { MenuDialog } from "./menu-dialog";
import { NavLink } from "./nav-link";
import { OrgSwitcher, type SwitcherOrganization } from "./org-switcher";

/** The signed-in frame: organization switcher, account, sign out, and the navigation of SPEC §9. */
export async function AppShell({
  organization,
  organizations,
  accountName,
  showAdministration,
  showNewOrganization,
  children,
}: {
  organization: SwitcherOrganization;
  organizations: SwitcherOrganization[];
  accountName: string;
  showAdministration: boolean;
  /** ORGANIZATION_CREATION allows this account to create an organization. */
  showNewOrganization: boolean;
  children: ReactNode;
}) {
  const t = await getTranslations("nav");
  const base = `/o/${organization.slug}`;
  return (
    <div className="min-h-screen">
      <a
        href="#content"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("skipToContent")}
      </a>
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <MenuDialog>
            <Navigation base={base} showAdministration={showAdministration} idPrefix="menu" />
          </MenuDialog>
          <Link href={base} className="text-base font-semibold tracking-tight">
            Gatehouse
          </Link>
          <OrgSwitcher organizations={organizations} current={organization.slug} />
          {showNewOrganization && (
            <Link href="/orgs/new" className="text-sm text-slate-300 hover:text-white">
              {t("newOrganization")}
            </Link>
          )}
          <div className="ml-auto flex items-center gap-3 text-sm">
            {/* The account menu: a disclosure, so it opens without JavaScript too. */}
            <details className="relative">
              <summary className="cursor-pointer rounded-md px-2 py-1 text-slate-300 hover:text-white">
                {t("signedInAs", { name: accountName })}
              </summary>
              <div className="absolute right-0 z-20 mt-2 w-72 rounded-md bg-white p-3 text-slate-900 shadow-lg ring-1 ring-slate-200">
                <Link href="/account" className="block rounded-md px-3 py-2 font-medium hover:bg-slate-100">
                  {t("account")}
                </Link>
                <Link href="/account/security" className="block rounded-md px-3 py-2 font-medium hover:bg-slate-100">
                  {t("security")}
                </Link>
                <form action={signOutEverywhereAction}>
                  <button
                    type="submit"
                    aria-describedby="sign-out-everywhere-hint"
                    className="w-full rounded-md px-3 py-2 text-left font-medium hover:bg-slate-100"
                  >
                    {t("signOutEverywhere")}
                  </button>
                </form>
                <p id="sign-out-everywhere-hint" className="mt-1 px-3 text-xs text-slate-600">
                  {t("signOutEverywhereHint")}
                </p>
              </div>
            </details>
            <form action={signOutAction}>
              <button
                type="submit"
                className="whitespace-nowrap rounded-md px-2 py-1 text-slate-200 ring-1 ring-slate-600 hover:bg-slate-800"
              >
                {t("signOut")}
              </button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6">
        <div className="hidden w-52 shrink-0 lg:block">
          <Navigation base={base} showAdministration={showAdministration} idPrefix="nav" />
        </div>
        <main id="content" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}

/**
 * The navigation of SPEC §9: in the sidebar from 1024 px, in the Menu dialog below. `idPrefix`
 * keeps the two copies' ids apart while the dialog is open.
 */
async function Navigation({
  base,
  showAdministration,
  idPrefix,
}: {
  base: string;
  showAdministration: boolean;
  idPrefix: string;
}) {
  const t = await getTranslations("nav");
  return (
    <nav aria-label={t("mainNavigation")} className="space-y-4">
      <NavLink href={base} exact>
        {t("overview")}
      </NavLink>
      {showAdministration && (
        <section aria-labelledby={`${idPrefix}-administration`}>
          <h2
            id={`${idPrefix}-administration`}
            className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-500"
          >
            {t("administration")}
          </h2>
          <ul className="mt-1 space-y-0.5">
            <li>
              <NavLink href={`${base}/admin/users`}>{t("users")}</NavLink>
            </li>
            <li>
              <span id={`${idPrefix}-system-settings`} className="block px-3 pt-2 text-xs font-medium text-slate-500">
                {t("systemSettings")}
              </span>
              <ul aria-labelledby={`${idPrefix}-system-settings`} className="ml-2">
                <li>
                  <NavLink href={`${base}/admin/settings/general`}>{t("general")}</NavLink>
                </li>
                <li>
                  <NavLink href={`${base}/admin/settings/organization`}>{t("organizationSettings")}</NavLink>
                </li>
              </ul>
            </li>
            <li>
              <NavLink href={`${base}/admin/audit`}>{t("auditLog")}</NavLink>
            </li>
          </ul>
        </section>
      )}
    </nav>
  );
}
