import "server-only";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { csvRow } from "./csv";
import type { AuditFilters } from "./filters";
import { auditEventBatches } from "./list";
import { auditDetails, auditDetailsText, auditSentence, type AuditTranslator } from "./present";

/**
 * For a member with `audit:read`: the filtered audit log as CSV, streamed batch by batch, in the
 * translator's language, times in UTC (ISO 8601). Cells are formula-safe.
 */
export function auditCsvStream(
  actor: Actor,
  filters: AuditFilters,
  options: { timeZone: string; t: AuditTranslator },
): ReadableStream<Uint8Array> {
  assertCan(actor, "audit:read");
  const { t } = options;
  const encoder = new TextEncoder();
  // Batches of 500: the server holds one batch of rows and its CSV at a time, whatever the export's size.
  const batches = auditEventBatches(actor, filters, { timeZone: options.timeZone, batchSize: 500 });
  const header = [
    "time",
    "actorName",
    "actorEmail",
    "action",
    "sentence",
    "targetType",
    "target",
    "ip",
    "userAgent",
    "details",
  ].map((k) => t(`csv.${k}`));
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        // The byte-order mark makes spreadsheets read the file as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${csvRow(header)}`));
        return;
      }
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      const lines = next.value.map((event) =>
        csvRow([
          event.createdAt.toISOString(),
          event.actor.name,
          event.actor.email,
          event.action,
          auditSentence(event, t),
          event.target.type,
          event.target.label ?? event.target.id,
          event.ip,
          event.userAgent,
          auditDetailsText(
            auditDetails(event.details, t, (d) => d.toISOString()),
            t,
          ),
        ]),
      );
      controller.enqueue(encoder.encode(lines.join("")));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
