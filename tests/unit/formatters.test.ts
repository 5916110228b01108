import { describe, expect, it } from "vitest";
import { dateFormatter, integerFormatter } from "@/lib/i18n/formatters";

describe("shared Intl formatters", () => {
  it("give one formatter per locale, zone and style, and format in that zone", () => {
    const late = new Date("2026-11-27T23:30:00Z");
    expect(dateFormatter("en", "UTC", "day")).toBe(dateFormatter("en", "UTC", "day"));
    expect(dateFormatter("en", "UTC", "day").format(late)).toBe("Nov 27, 2026");
    expect(dateFormatter("en", "Europe/Paris", "day").format(late)).toBe("Nov 28, 2026");
    expect(dateFormatter("fr", "Europe/Paris", "moment").format(late)).toBe("28 nov. 2026, 00:30");
    expect(integerFormatter("en").format(10000)).toBe("10,000");
    expect(integerFormatter("fr").format(10000)).toBe("10\u202f000");
  });
});
