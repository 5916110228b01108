import "server-only";
import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { organizationSettings } from "@/db/schema";

export type SettingsSnapshot = {
  temporaryPasswordPolicy: "ask" | "send" | "not_send";
  invitationValidityDays: number;
  defaultLocale: "en" | "fr";
  allowedEmailDomains: string[];
  minPasswordLength: number;
  version: number;
};

/**
 * The organization's settings as they are now — read at the moment an invitation is sent,
 * re-sent or accepted, never cached. Callers have already checked the actor's access.
 */
export async function readSettings(db: Executor, organizationId: string): Promise<SettingsSnapshot> {
  const [row] = await db
    .select({
      temporaryPasswordPolicy: organizationSettings.temporaryPasswordPolicy,
      invitationValidityDays: organizationSettings.invitationValidityDays,
      defaultLocale: organizationSettings.defaultLocale,
      allowedEmailDomains: organizationSettings.allowedEmailDomains,
      minPasswordLength: organizationSettings.minPasswordLength,
      version: organizationSettings.version,
    })
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  if (!row) throw new Error(`organization ${organizationId} has no settings row`);
  return row;
}
