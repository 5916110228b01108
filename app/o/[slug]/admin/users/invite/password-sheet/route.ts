import { getTranslations } from "next-intl/server";
import { connection } from "next/server";
import { can } from "@/lib/auth/actor";
import { getMembershipAccess } from "@/lib/auth/current";
import { DomainError } from "@/lib/errors";
import { claimPasswordSheet, renderPasswordSheet } from "@/lib/invitations/password-sheet";
import { readFormWithin } from "@/lib/security/body-limit";

// The form holds one sealed token of at most 4 KB.
const PASSWORD_SHEET_BODY_LIMIT = 16 * 1024;

const noStore = {
  "Cache-Control": "no-store, max-age=0",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};

async function refusal(status: number): Promise<Response> {
  const t = await getTranslations("invite-wizard");
  return new Response(t("sheetUnavailable"), {
    status,
    headers: { ...noStore, "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** The password sheet (PDF) of a just-sent invitation: POSTed once with its sealed token. */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  await connection();
  const access = await getMembershipAccess((await params).slug);
  if (access.kind !== "ok" || !can(access.actor, "invitations:manage")) return refusal(404);
  const form = await readFormWithin(request, PASSWORD_SHEET_BODY_LIMIT);
  if (form instanceof Response) return form;
  const token = form?.get("token");
  if (typeof token !== "string" || token.length > 4096) return refusal(400);

  try {
    const sheet = await claimPasswordSheet(access.actor, token);
    const t = await getTranslations({ locale: sheet.locale, namespace: "invite-wizard" });
    const pdf = await renderPasswordSheet(sheet, {
      title: t("sheet.title"),
      organization: t("sheet.organization"),
      email: t("sheet.email"),
      temporaryPassword: t("sheet.temporaryPassword"),
      invitationLink: t("sheet.invitationLink"),
      invitationId: t("sheet.invitationId"),
      expires: t("sheet.expires"),
      instructions: t("sheet.instructions"),
    });
    return new Response(Buffer.from(pdf), {
      headers: {
        ...noStore,
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename="invitation-${sheet.invitationId}.pdf"`,
      },
    });
  } catch (error) {
    if (error instanceof DomainError) return refusal(error.options.status ?? 400);
    throw error;
  }
}
