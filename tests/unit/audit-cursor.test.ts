import { describe, expect, it } from "vitest";
import { decodeAuditCursor, encodeAuditCursor, parseAuditQuery } from "@/lib/audit/filters";

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const valid = { time: "2026-03-04T05:06:07.123456Z", id: 42 };

describe("audit cursors", () => {
  it("round-trip, and read the cursors written before (Buffer's base64url)", () => {
    expect(decodeAuditCursor(encodeAuditCursor(valid))).toEqual(valid);
    expect(encodeAuditCursor(valid)).toBe(b64(`${valid.time}|${valid.id}`));
  });

  it.each([
    ["not base64", "%%%"],
    ["padding and symbols", "abc=="],
    ["empty text", ""],
    ["no separator", b64("2026-03-04T05:06:07.123456Z")],
    ["month 13", b64("2026-13-04T05:06:07.123456Z|1")],
    ["February 30", b64("2026-02-30T05:06:07.123456Z|1")],
    ["hour 25", b64("2026-03-04T25:06:07.123456Z|1")],
    ["second 60", b64("2026-03-04T05:06:60.123456Z|1")],
    ["year 0", b64("0000-01-01T00:00:00.000000Z|1")],
    ["id 0", b64("2026-03-04T05:06:07.123456Z|0")],
    ["id past 2^53", b64("2026-03-04T05:06:07.123456Z|9999999999999999")],
    ["id past bigint", b64("2026-03-04T05:06:07.123456Z|99999999999999999999")],
    ["negative id", b64("2026-03-04T05:06:07.123456Z|-1")],
    ["NUL byte", b64("2026-03-04T05:06:07.123456Z|1\u0000")],
    ["SQL", b64("2026-03-04T05:06:07.123456Z|1); drop table audit_events;--")],
    ["very long", "A".repeat(10_000)],
  ])("refuses %s", (_name, cursor) => {
    expect(decodeAuditCursor(cursor)).toBeNull();
    expect(parseAuditQuery({ before: cursor }).page).toEqual({});
    expect(parseAuditQuery({ after: cursor }).page).toEqual({});
  });

  it("a valid cursor is kept in the page (positive control)", () => {
    const cursor = encodeAuditCursor(valid);
    expect(parseAuditQuery({ before: cursor }).page).toEqual({ before: cursor });
    expect(parseAuditQuery({ after: cursor }).page).toEqual({ after: cursor });
    expect(parseAuditQuery({ before: [cursor, "x"] }).page).toEqual({ before: cursor });
  });
});
