import type { AuditAction } from "./actions";
import { detailEntries, formatDetailValue } from "./details";

// Pure: the page and the CSV export word an event the same way, in the viewer's language.

/** The subset of next-intl's translator for the `audit` namespace that presenting needs. */
export type AuditTranslator = {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
};

export type PresentableEvent = {
  action: string;
  actor: { name: string | null; email: string | null };
  target: { id: string | null; label: string | null };
  details: Record<string, unknown>;
};

/** The message key of an action's sentence (`invitation.created` → `sentences.invitation.created`). */
export function sentenceKey(action: AuditAction | string): string {
  return `sentences.${action}`;
}

export function actionLabelKey(action: AuditAction | string): string {
  return `actions.${action}`;
}

function role(details: Record<string, unknown>): string {
  const value = details.role;
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "to" in value && typeof value.to === "string") return value.to;
  return "other";
}

/** "Olivia invited new.admin@example.com as administrator", in the translator's language. */
export function auditSentence(event: PresentableEvent, t: AuditTranslator): string {
  const actor = event.actor.name ?? event.actor.email ?? t("system");
  const target = event.target.label ?? t("unknown");
  const key = sentenceKey(event.action);
  // An action recorded by a newer version of the app than the one reading it.
  if (!t.has(key)) return t("unknownAction", { actor, action: event.action });
  return t(key, { actor, target, role: role(event.details) });
}

export type PresentedDetail = { label: string; from?: string; to?: string; value?: string };

/** The details as labelled lines, before → after for changes, secrets never included. */
export function auditDetails(
  details: Record<string, unknown>,
  t: AuditTranslator,
  formatDate: (d: Date) => string,
): PresentedDetail[] {
  const labels = {
    none: t("none"),
    yes: t("yes"),
    no: t("no"),
    word: (v: string, field?: string) => {
      const key = [`values.${field}.${v}`, `values.${v}`].find((k) => t.has(k));
      return key ? t(key) : undefined;
    },
  };
  return detailEntries(details).map((entry) => {
    const text = (value: unknown) => formatDetailValue(value, labels, formatDate, entry.field);
    const label = t.has(`fields.${entry.field}`) ? t(`fields.${entry.field}`) : entry.field;
    return entry.change ? { label, from: text(entry.from), to: text(entry.to) } : { label, value: text(entry.value) };
  });
}

/** A detail's value as shown: the value, or `before → after`. */
export function detailValueText(detail: PresentedDetail): string {
  return detail.value ?? `${detail.from} → ${detail.to}`;
}

/** Details as one line of text (CSV): `Label: before → after; Label: value`. */
export function auditDetailsText(details: PresentedDetail[], t: AuditTranslator): string {
  return details.map((d) => `${t("detailLabel", { label: d.label })} ${detailValueText(d)}`).join("; ");
}
