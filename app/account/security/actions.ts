"use server";

import { accountAction } from "@/lib/action";
import { regenerateRecoveryCodes, removeFactor, renameFactor } from "@/lib/two-step";
import { factorIdSchema, noInputSchema, renameFactorSchema } from "@/lib/validations/two-step";

// Each change alters what the page lists: it is refreshed once the change is committed.
const refreshed = { revalidate: "/account/security" };

export const renameFactorAction = accountAction(
  renameFactorSchema,
  async (account, input, meta) => {
    const factor = await renameFactor(account, input.factorId, input.name, meta);
    return { name: factor.name };
  },
  refreshed,
);

export const removeFactorAction = accountAction(
  factorIdSchema,
  (account, input, meta) => removeFactor(account, input.factorId, meta),
  refreshed,
);

export const regenerateRecoveryCodesAction = accountAction(
  noInputSchema,
  (account, _input, meta) => regenerateRecoveryCodes(account, meta),
  refreshed,
);
