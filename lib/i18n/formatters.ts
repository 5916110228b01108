/**
 * Intl formatters shared across requests. next-intl builds its formatters anew for each request
 * (and each client provider), and an Intl.DateTimeFormat costs far more to construct than to
 * use; a page that formats a date in each of its rows pays that on every render. Formatters
 * are immutable, so one per locale, time zone and style serves every request. The map is
 * bounded: locales and styles are few, and time zones are validated IANA names.
 */
const DATE_STYLES = {
  day: { dateStyle: "medium" },
  moment: { dateStyle: "medium", timeStyle: "short" },
  // What an email or a printed sheet states, read far from the app: "December 4, 2026 at 18:00 UTC".
  momentWithZone: {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateStyle = keyof typeof DATE_STYLES;

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
const MAX_FORMATTERS = 1_000;

function shared<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, create: () => T): T {
  const known = formatters.get(key);
  if (known) return known as T;
  if (formatters.size >= MAX_FORMATTERS) formatters.clear();
  const made = create();
  formatters.set(key, made);
  return made;
}

/** A date (`day`: "Nov 27, 2026") or date and time (`moment`) formatter in the given zone. */
export function dateFormatter(locale: string, timeZone: string | undefined, style: DateStyle): Intl.DateTimeFormat {
  return shared(
    `d|${locale}|${timeZone ?? ""}|${style}`,
    () => new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone }),
  );
}

/** A formatter for whole numbers ("10,000"). */
export function integerFormatter(locale: string): Intl.NumberFormat {
  return shared(`n|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }));
}
