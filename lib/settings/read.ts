import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { organizationSettings } from "@/db/schema";
import { assertCan, type Actor } from "@/lib/auth/actor";

export type SettingsSnapshot = {
  temporaryPasswordPolicy: "ask" | "send" | "not_send";
  invitationValidityDays: number;
  defaultLocale: "en" | "fr";
  allowedEmailDomains: string[];
  minPasswordLength: number;
  twoStepRequirement: "off" | "required";
  version: number;
};

/** The columns of a snapshot, for every query that returns one. */
export const snapshotColumns = {
  temporaryPasswordPolicy: organizationSettings.temporaryPasswordPolicy,
  invitationValidityDays: organizationSettings.invitationValidityDays,
  defaultLocale: organizationSettings.defaultLocale,
  allowedEmailDomains: organizationSettings.allowedEmailDomains,
  minPasswordLength: organizationSettings.minPasswordLength,
  twoStepRequirement: organizationSettings.twoStepRequirement,
  version: organizationSettings.version,
};

/**
 * The organization's settings as they are now — read at the moment an invitation is sent,
 * re-sent or accepted, never cached. Callers have already checked the actor's access.
 */
export async function readSettings(db: Executor, organizationId: string): Promise<SettingsSnapshot> {
  const [row] = await db
    .select(snapshotColumns)
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  if (!row) throw new Error(`organization ${organizationId} has no settings row`);
  return row;
}

/** For members with `settings:read`: their organization's settings, with the version a form carries back. */
export async function getSettings(actor: Actor): Promise<SettingsSnapshot> {
  assertCan(actor, "settings:read");
  return readSettings(await getDb(), actor.organizationId);
}
