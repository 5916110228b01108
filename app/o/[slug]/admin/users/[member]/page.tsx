import type { Metadata } from "next";

import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { z } from "zod";
import { ClientMessages } from "@/components/i18n/client-messages";
import { CardSection } from "@/components/ui/card";
import { auditDetails, auditSentence, detailValueText } from "@/lib/audit/present";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/require";
import { DomainError } from "@/lib/errors";
import { getMemberDetail } from "@/lib/members/detail";
import type { EmailDelivery } from "@/lib/members/list";
import { describeUserAgent } from "@/lib/two-step/sign-ins";
import { MemberPageActions } from "./member-page-actions";
import { EmailAddress } from "@/components/ui/email-address";
import { DataTable } from "@/components/ui/data-table";
import { OwnerBadge } from "@/components/ui/owner-badge";
import { actionTarget } from "../row-actions";

type Params = Promise<{ slug: string; member: string }>;

/** The member of another organization, an unknown one and a malformed id all get the same 404. */
async function load(params: Params) {
  const { slug, member } = await params;
  const actor = await requireActor(slug, "members:read");
  if (!z.uuid().safeParse(member).success) notFound();
  try {
    return { actor, detail: await getMemberDetail(actor, member) };
  } catch (error) {
    if (error instanceof DomainError && error.code === "notFound") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { detail } = await load(params);
  return { title: detail.member.name };
}

export default async function MemberPage({ params }: { params: Params }) {
  const { actor, detail } = await load(params);
  const [t, tu, ta, format] = await Promise.all([
    getTranslations("member"),
    getTranslations("users"),
    getTranslations("audit"),
    getFormatter(),
  ]);
  const { member } = detail;
  const moment = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  const day = (d: Date) => format.dateTime(d, { dateStyle: "medium" });
  const deliveryText = (d: EmailDelivery | null) => {
    if (!d) return t("noDelivery");
    if (d.state === "retrying") return tu("delivery.retrying", { date: moment(d.nextAttemptAt) });
    if (d.state === "failed")
      return d.reason ? tu("delivery.failed", { reason: d.reason }) : tu("delivery.failedUnknown");
    return tu(`delivery.${d.state}`);
  };
  const usersHref = `/o/${actor.organizationSlug}/admin/users`;

  return (
    <div className="space-y-6">
      <p>
        <Link href={usersHref} className="text-sm text-slate-700 underline hover:text-slate-900">
          {t("backToUsers")}
        </Link>
      </p>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold">
            {member.name}
            {member.isOwner && <OwnerBadge label={tu("owner")} />}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            <EmailAddress email={member.email} />
          </p>
        </div>
        {can(actor, "members:manage") && (
          <ClientMessages namespaces={["users"]}>
            <MemberPageActions
              member={actionTarget(member)}
              organizationSlug={actor.organizationSlug}
              organizationName={actor.organizationName}
              viewer={{ isSelf: member.accountId === actor.accountId, isOwner: actor.isOwner }}
            />
          </ClientMessages>
        )}
      </div>

      <CardSection title={t("profile")}>
        <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium text-slate-700">{t("role")}</dt>
          <dd>{tu(`roles.${member.role}`)}</dd>
          <dt className="font-medium text-slate-700">{t("status")}</dt>
          <dd>
            <span className={`badge badge-${member.status}`}>{tu(`statuses.${member.status}`)}</span>
            {member.invitation && (
              <span className="ml-2 text-sm text-slate-600">{deliveryText(member.invitation.delivery)}</span>
            )}
          </dd>
          <dt className="font-medium text-slate-700">{t("tags")}</dt>
          <dd className="flex flex-wrap gap-1">
            {member.tags.length
              ? member.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tu(`tags.${tag}`)}
                  </span>
                ))
              : t("noTags")}
          </dd>
          <dt className="font-medium text-slate-700">{t("accessExpiry")}</dt>
          <dd>{member.accessExpiresAt ? moment(member.accessExpiresAt) : t("noExpiry")}</dd>
          <dt className="font-medium text-slate-700">{t("invitedBy")}</dt>
          <dd>{member.invitedAt ? `${member.invitedByName ?? "—"} · ${day(member.invitedAt)}` : "—"}</dd>
          <dt className="font-medium text-slate-700">{t("joined")}</dt>
          <dd>{detail.joinedAt ? moment(detail.joinedAt) : t("notJoined")}</dd>
          <dt className="font-medium text-slate-700">{t("lastSignIn")}</dt>
          <dd>{member.lastSignInAt ? moment(member.lastSignInAt) : tu("never")}</dd>
        </dl>
      </CardSection>

      <CardSection title={t("invitations")}>
        {detail.invitations.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">{t("noInvitations")}</p>
        ) : (
          <DataTable
            className="mt-4"
            caption={t("invitationsCaption")}
            columns={[t("sent"), t("invitedBy"), t("role"), t("status"), t("expires"), t("delivery")]}
          >
            {detail.invitations.map((invitation) => (
              <tr key={invitation.id}>
                <th scope="row" className="nowrap">
                  {moment(invitation.createdAt)}
                </th>
                <td>{invitation.invitedByName ?? "—"}</td>
                <td>{tu(`roles.${invitation.role}`)}</td>
                <td>{t(`invitationStatuses.${invitation.status}`)}</td>
                <td className="nowrap">{moment(invitation.expiresAt)}</td>
                <td>
                  <div>{deliveryText(invitation.delivery)}</div>
                  <div className="text-xs text-slate-600">{t("emailsSent", { count: invitation.sendCount })}</div>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </CardSection>

      <CardSection title={t("timeline")}>
        <p className="mt-1 text-sm text-slate-600">{t("timelineIntro", { organization: actor.organizationName })}</p>
        {detail.timeline.length === 0 ? (
          <p className="mt-4 text-sm text-slate-600">{t("noEvents")}</p>
        ) : (
          <ol className="mt-4 space-y-3">
            {detail.timeline.map((event) => (
              <li key={event.id} className="border-l-2 border-slate-200 pl-3">
                <div className="text-xs text-slate-600">
                  <time dateTime={event.createdAt.toISOString()}>{moment(event.createdAt)}</time>
                </div>
                <div>{auditSentence(event, ta)}</div>
                {auditDetails(event.details, ta, moment).map((d) => (
                  <div key={d.label} className="text-sm text-slate-600">
                    {ta("detailLabel", { label: d.label })} {detailValueText(d)}
                  </div>
                ))}
              </li>
            ))}
          </ol>
        )}
      </CardSection>

      <CardSection title={t("signIns")}>
        {detail.signIns.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">{t("noSignIns")}</p>
        ) : (
          <ul className="mt-4 space-y-2">
            {detail.signIns.map((signIn) => {
              const device = describeUserAgent(signIn.userAgent);
              return (
                <li key={signIn.at.toISOString()} className="text-sm">
                  <time dateTime={signIn.at.toISOString()}>{moment(signIn.at)}</time>
                  {" · "}
                  {t("signInFrom", { ip: signIn.ip ?? t("unknownAddress") })}
                  {(device.browser || device.os) && ` · ${[device.browser, device.os].filter(Boolean).join(", ")}`}
                </li>
              );
            })}
          </ul>
        )}
      </CardSection>
    </div>
  );
}
