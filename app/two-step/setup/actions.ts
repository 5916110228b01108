"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { accountAction, type ActionResult } from "@/lib/action";
import {
  confirmTotpEnrollment,
  passkeyRegistrationOptions,
  startTotpEnrollment,
  verifyPasskeyRegistration,
  type PasskeyCeremony,
  type TotpEnrollment,
} from "@/lib/two-step";
import { confirmTotpSchema, noInputSchema, passkeyRegistrationSchema } from "@/lib/validations/two-step";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";

/** What the browser learns when a factor is added: its name, and the recovery codes of a first factor. */
export type EnrolledFactor = { name: string; recoveryCodes: string[] | null };

const startTotp = accountAction(noInputSchema, async (account) =>
  startTotpEnrollment(account, (await getTranslations("two-step"))("defaultAuthenticatorName")),
);

const confirmTotp = accountAction(confirmTotpSchema, async (account, input, meta) => {
  const done = await confirmTotpEnrollment(account, input, meta);
  return { name: done.factor.name, recoveryCodes: done.recoveryCodes };
});

const passkeyOptions = accountAction(noInputSchema, (account) => passkeyRegistrationOptions(account));

const registerPasskey = accountAction(passkeyRegistrationSchema, async (account, input, meta) => {
  const name = input.name ?? (await getTranslations("two-step"))("defaultPasskeyName");
  const done = await verifyPasskeyRegistration(account, { ...input, name }, meta);
  return { name: done.factor.name, recoveryCodes: done.recoveryCodes };
});

export async function startTotpAction(): Promise<ActionResult<TotpEnrollment>> {
  return startTotp({});
}

export async function confirmTotpAction(raw: unknown): Promise<ActionResult<EnrolledFactor>> {
  const result = await confirmTotp(raw);
  if (result.ok) revalidatePath("/account/security");
  return result;
}

export async function passkeyOptionsAction(): Promise<
  ActionResult<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>>
> {
  return passkeyOptions({});
}

export async function registerPasskeyAction(raw: unknown): Promise<ActionResult<EnrolledFactor>> {
  const result = await registerPasskey(raw);
  if (result.ok) revalidatePath("/account/security");
  return result;
}
