import { getTimeZone, getTranslations } from "next-intl/server";
import { connection, type NextRequest } from "next/server";
import { auditCsvStream } from "@/lib/audit/export";
import { parseAuditQuery } from "@/lib/audit/filters";
import { can } from "@/lib/auth/actor";
import { getMembershipAccess } from "@/lib/auth/current";

/** The Audit log's current view as a CSV download; the same 404 as the page for anyone else. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }) {
  await connection();
  const access = await getMembershipAccess((await params).slug);
  if (access.kind !== "ok" || !can(access.actor, "audit:read")) return new Response(null, { status: 404 });
  const { actor } = access;
  const { filters } = parseAuditQuery(Object.fromEntries(request.nextUrl.searchParams));
  const [t, timeZone] = await Promise.all([getTranslations("audit"), getTimeZone()]);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(auditCsvStream(actor, filters, { timeZone, t }), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${actor.organizationSlug}-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
