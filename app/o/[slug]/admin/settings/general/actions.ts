"use server";

import { z } from "zod";
import { orgAction } from "@/lib/action";
import { getSettings } from "@/lib/settings/read";
import { updateSettings } from "@/lib/settings/update";
import { settingsSchema } from "@/lib/validations/settings";

export const updateSettingsAction = orgAction("settings:manage", settingsSchema, (actor, input) =>
  updateSettings(actor, input),
);

/** The values as they are now, for a form whose save was refused because they changed meanwhile. */
export const readSettingsAction = orgAction("settings:read", z.object({}), (actor) => getSettings(actor));
