// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"), including
// the full-width forms some spreadsheets also accept.
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/**
 * One CSV cell: always quoted (commas, quotes and line breaks stay inside it), and a value a
 * spreadsheet would run as a formula is prefixed with a single quote so it is shown as text.
 */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvRow(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
