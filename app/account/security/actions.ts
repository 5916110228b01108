"use server";

import { revalidatePath } from "next/cache";
import { accountAction, type ActionResult } from "@/lib/action";
import { regenerateRecoveryCodes, removeFactor, renameFactor } from "@/lib/two-step";
import { factorIdSchema, noInputSchema, renameFactorSchema } from "@/lib/validations/two-step";

const rename = accountAction(renameFactorSchema, async (account, input, meta) => {
  const factor = await renameFactor(account, input.factorId, input.name, meta);
  return { name: factor.name };
});

const remove = accountAction(factorIdSchema, (account, input, meta) => removeFactor(account, input.factorId, meta));

const regenerate = accountAction(noInputSchema, (account, _input, meta) => regenerateRecoveryCodes(account, meta));

// Each change alters what the page lists: refresh it once the change is committed.
function refreshed<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/account/security");
  return result;
}

export async function renameFactorAction(raw: unknown): Promise<ActionResult<{ name: string }>> {
  return refreshed(await rename(raw));
}

export async function removeFactorAction(raw: unknown): Promise<ActionResult<void>> {
  return refreshed(await remove(raw));
}

export async function regenerateRecoveryCodesAction(): Promise<ActionResult<string[]>> {
  return refreshed(await regenerate({}));
}
