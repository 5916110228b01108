import { describe, expect, it } from "vitest";
import { loadMessages } from "@/lib/i18n/messages";

type Catalog = { [key: string]: string | Catalog };

function strings(catalog: Catalog, prefix = ""): [key: string, text: string][] {
  return Object.entries(catalog).flatMap(([key, value]) =>
    typeof value === "string" ? [[`${prefix}${key}`, value] as [string, string]] : strings(value, `${prefix}${key}.`),
  );
}

const french = strings(loadMessages("fr") as Catalog);

// ICU quoting: '' is an apostrophe, and '{…}' (or '#', '|') quotes syntax characters. Whatever is
// left is text, where French takes the typographic apostrophe.
const withoutIcuQuoting = (text: string) => text.replace(/''|'[{}#|][^']*'/g, "");
// Arguments are names and addresses, not words of the sentence.
const withoutArguments = (text: string) => text.replace(/\{\w+\}/g, "");

// Arguments whose value is a number or a date: "de 5", "le 8 décembre" need no elision.
const NUMERIC_ARGUMENTS = new Set(["date", "count", "max", "minutes", "days", "total", "sent"]);

const saysEmail = (text: string) => /e-?mails?\b|\bmails?\b/i.test(withoutArguments(text));
const nameAfterDeOrQue = (text: string) =>
  [...text.matchAll(/\b(?:de|que) \{(\w+)[},]/gi)].some((m) => !NUMERIC_ARGUMENTS.has(m[1]!));

describe("French catalog", () => {
  it("has loaded text to check", () => {
    expect(french.length).toBeGreaterThan(100);
  });

  it("uses the typographic apostrophe (’), never the straight one", () => {
    expect(french.filter(([, text]) => withoutIcuQuoting(text).includes("'")).map(([key]) => key)).toEqual([]);
  });

  it("says “courriel” for email, as the emails do: never “e-mail” or “mail”", () => {
    const offending = french.filter(([, text]) => saysEmail(text));
    expect(offending.map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  it("puts no “de” or “que” before a name, which would need elision when it starts with a vowel", () => {
    const offending = french.filter(([, text]) => nameAfterDeOrQue(text));
    expect(offending.map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  it("flags what it should (the checks above can fail)", () => {
    expect(withoutIcuQuoting("l'organisation")).toContain("'");
    expect(withoutIcuQuoting("l’organisation '{'name'}' ''")).not.toContain("'");
    expect(nameAfterDeOrQue("Membre de {organization}.")).toBe(true);
    expect(nameAfterDeOrQue("Expire le {date}, au bout de {count} jours.")).toBe(false);
    expect(saysEmail("Adresse e-mail")).toBe(true);
    expect(saysEmail("Adresse courriel : {email}")).toBe(false);
  });
});
