"use server";

import { z } from "zod";
import { orgAction, type ActionResult } from "@/lib/action";
import { getSettings, type SettingsSnapshot } from "@/lib/settings/read";
import { updateSettings, type SettingsSaved } from "@/lib/settings/update";
import { settingsSchema } from "@/lib/validations/settings";

const update = orgAction("settings:manage", settingsSchema, (actor, input) => updateSettings(actor, input));
const read = orgAction("settings:read", z.object({}), (actor) => getSettings(actor));

export async function updateSettingsAction(
  organizationSlug: string,
  raw: unknown,
): Promise<ActionResult<SettingsSaved>> {
  return update(organizationSlug, raw);
}

/** The values as they are now, for a form whose save was refused because they changed meanwhile. */
export async function readSettingsAction(organizationSlug: string): Promise<ActionResult<SettingsSnapshot>> {
  return read(organizationSlug, {});
}
