"use client";

import Link from "next/link";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { Fragment, useState } from "react";
import { Button } from "@/components/ui/button";
import { EmailAddress } from "@/components/ui/email-address";
import { OwnerBadge } from "@/components/ui/owner-badge";
import { dateFormatter } from "@/lib/i18n/formatters";
import type { MemberRow } from "@/lib/members/list";
import { MemberActionDialog, type OpenAction } from "./member-actions";
import { actionTarget, offeredActions, rowActionLabels } from "./row-actions";

/** The columns before the row actions, in order: the header row and the cells' labels. */
const COLUMNS = ["name", "role", "status", "tags", "lastSignIn", "invitedBy", "twoStep"] as const;
type Column = (typeof COLUMNS)[number];

/**
 * The Users table; below 640 px a list of cards showing the same cells (`.card-rows`). A client
 * component fed with the rows as data: the rows travel once, as data, instead of as a rendered
 * element tree that the server serializes and then parses back to produce the HTML; it also
 * opens the row actions' dialogs.
 */
export function UsersTable({
  rows,
  organizationSlug,
  organizationName,
  viewer,
  canManage,
}: {
  rows: MemberRow[];
  organizationSlug: string;
  organizationName: string;
  viewer: { accountId: string; isOwner: boolean };
  canManage: boolean;
}) {
  const t = useTranslations("users");
  const locale = useLocale();
  const timeZone = useTimeZone();
  const [open, setOpen] = useState<OpenAction | null>(null);
  const day = (d: Date) => dateFormatter(locale, timeZone, "day").format(d);
  const moment = (d: Date) => dateFormatter(locale, timeZone, "moment").format(d);
  // A cell names its column, which the card layout below 640 px shows above its value.
  const cell = (column: Column) => ({ "data-label": t(`columns.${column}`) });

  function statusDetail(row: MemberRow): string[] {
    const lines: string[] = [];
    if (row.invitation) {
      lines.push(
        t(row.status === "expired" ? "invitationExpired" : "invitationExpires", {
          date: day(row.invitation.expiresAt),
        }),
      );
      const d = row.invitation.delivery;
      if (d?.state === "retrying") lines.push(t("delivery.retrying", { date: moment(d.nextAttemptAt) }));
      else if (d?.state === "failed")
        lines.push(d.reason ? t("delivery.failed", { reason: d.reason }) : t("delivery.failedUnknown"));
      else if (d) lines.push(t(`delivery.${d.state}`));
    }
    if (row.accessExpiresAt) lines.push(t("accessUntil", { date: day(row.accessExpiresAt) }));
    return lines;
  }

  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="data-table card-rows">
        <caption className="sr-only">{t("tableCaption")}</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              // Headers wrap between words ("Dernière / connexion"), never at a hyphen ("Two-step" stays whole).
              <th key={column} scope="col">
                {t(`columns.${column}`)
                  .split(" ")
                  .map((word, i) => (
                    <Fragment key={i}>
                      {i > 0 && " "}
                      <span className="whitespace-nowrap">{word}</span>
                    </Fragment>
                  ))}
              </th>
            ))}
            {canManage && (
              <th scope="col">
                <span className="sr-only">{t("columns.actions")}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const isSelf = row.accountId === viewer.accountId;
            return (
              <tr key={row.membershipId}>
                <th scope="row">
                  <div id={nameId(row)} className="font-medium text-slate-900">
                    <Link
                      href={`/o/${organizationSlug}/admin/users/${row.membershipId}`}
                      className="underline-offset-2 hover:underline"
                    >
                      {row.name}
                    </Link>
                    {isSelf && <span className="ml-1 text-slate-500">({t("you")})</span>}
                  </div>
                  <div className="secondary">
                    <EmailAddress email={row.email} />
                  </div>
                </th>
                <td {...cell("role")} className="whitespace-nowrap">
                  <div>{t(`roles.${row.role}`)}</div>
                  {row.isOwner && <OwnerBadge label={t("owner")} className="mt-1" />}
                </td>
                <td {...cell("status")} className="min-w-32">
                  <span className={`badge badge-${row.status}`}>{t(`statuses.${row.status}`)}</span>
                  {statusDetail(row).map((line) => (
                    <div key={line} className="detail">
                      {line}
                    </div>
                  ))}
                </td>
                <td {...cell("tags")}>
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
                <td {...cell("lastSignIn")} className="nowrap">
                  {row.lastSignInAt ? day(row.lastSignInAt) : t("never")}
                </td>
                <td {...cell("invitedBy")} className="nowrap">
                  {row.invitedAt ? (
                    <>
                      <div>{row.invitedByName ?? "—"}</div>
                      <div className="text-xs text-slate-600">{day(row.invitedAt)}</div>
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td {...cell("twoStep")} className="nowrap">
                  <span className={row.twoStep ? "badge badge-active" : "badge badge-disabled"}>
                    {t(`twoStepStates.${row.twoStep ? "set" : "unset"}`)}
                  </span>
                </td>
                {canManage && (
                  <td className="text-right">
                    <div className="row-actions">
                      {offeredActions(
                        {
                          invitationId: row.invitation?.id ?? null,
                          isOwner: row.isOwner,
                          role: row.role,
                          status: row.status,
                          twoStep: row.twoStep,
                        },
                        { isSelf, isOwner: viewer.isOwner },
                      ).map((action) => (
                        <Button
                          key={action}
                          size="sm"
                          variant="ghost"
                          aria-label={t(`actions.${rowActionLabels[action].ariaLabel}`, { name: row.name })}
                          aria-describedby={action === "resetTwoStep" ? nameId(row) : undefined}
                          onClick={() => setOpen({ action, member: actionTarget(row) })}
                        >
                          {t(`actions.${rowActionLabels[action].label}`)}
                        </Button>
                      ))}
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {canManage && (
        <MemberActionDialog
          organizationSlug={organizationSlug}
          organizationName={organizationName}
          open={open}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  );
}

/** The id of a row's name, which describes the row actions whose own name does not say whose row it is. */
function nameId(row: MemberRow): string {
  return `member-${row.membershipId}-name`;
}
