import { z } from "zod";
import type { OrganizationSettings } from "@/db/schema";

// Client-safe (no server-only import): the settings form validates with this schema through
// zodResolver, and the server action parses the same input again. Messages are keys of the
// `settings` catalog.

export const temporaryPasswordPolicies = [
  "ask",
  "send",
  "not_send",
] as const satisfies readonly OrganizationSettings["temporaryPasswordPolicy"][];
export const twoStepRequirements = [
  "off",
  "required",
] as const satisfies readonly OrganizationSettings["twoStepRequirement"][];
const invitationLocales = ["en", "fr"] as const satisfies readonly OrganizationSettings["defaultLocale"][];

export const SETTINGS_LIMITS = {
  validityDays: { min: 1, max: 30 },
  minPasswordLength: { min: 8, max: 128 },
  domains: 100,
} as const;

// Letters, digits and inner hyphens per label, at least two labels, a top-level domain of
// letters (or an IDN's xn-- form), 253 characters at most: what an email address can end with.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Entries typed in the form (one a line; commas and semicolons also separate), trimmed and lower-cased. */
function splitDomains(value: string | readonly string[]): string[] {
  const parts = typeof value === "string" ? value.split(/[\r\n,;]+/) : value;
  return parts.map((d) => d.trim().toLowerCase()).filter(Boolean);
}

function isDomain(value: string): boolean {
  return DOMAIN.test(value);
}

/** The entries that are not domains, as typed: the form lists them under the field. */
export function invalidDomains(value: string | readonly string[]): string[] {
  return splitDomains(value).filter((d) => !isDomain(d));
}

const allowedEmailDomainsField = z
  .union(
    [z.string().max(20_000, { error: "settings.errors.domainsTooMany" }), z.array(z.string().max(253)).max(1000)],
    {
      error: "settings.errors.domainInvalid",
    },
  )
  .transform((value, ctx) => {
    const domains = [...new Set(splitDomains(value))].sort();
    if (domains.some((d) => !isDomain(d))) ctx.addIssue({ code: "custom", message: "settings.errors.domainInvalid" });
    if (domains.length > SETTINGS_LIMITS.domains)
      ctx.addIssue({ code: "custom", message: "settings.errors.domainsTooMany" });
    return domains;
  });

function wholeNumber({ min, max }: { min: number; max: number }, message: string) {
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

export const settingsSchema = z.object({
  /** The version the form loaded: a save made from older values is refused. */
  version: z
    .number({ error: "invalid" })
    .int({ error: "invalid" })
    .positive({ error: "invalid" })
    .max(2 ** 31 - 1, { error: "invalid" }),
  temporaryPasswordPolicy: z.enum(temporaryPasswordPolicies, { error: "settings.errors.policyInvalid" }),
  invitationValidityDays: wholeNumber(SETTINGS_LIMITS.validityDays, "settings.errors.validityDays"),
  defaultLocale: z.enum(invitationLocales, { error: "settings.errors.localeInvalid" }),
  allowedEmailDomains: allowedEmailDomainsField,
  minPasswordLength: wholeNumber(SETTINGS_LIMITS.minPasswordLength, "settings.errors.minPasswordLength"),
  // Optional so that a client that predates the setting keeps it as it is instead of turning it off.
  twoStepRequirement: z.enum(twoStepRequirements, { error: "settings.errors.twoStepInvalid" }).optional(),
});

/** What the form holds (domains as typed) and what the server receives after parsing. */
export type SettingsFormInput = z.input<typeof settingsSchema>;
export type SettingsInput = z.output<typeof settingsSchema>;
