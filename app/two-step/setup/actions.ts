"use server";

import { getTranslations } from "next-intl/server";
import { accountAction } from "@/lib/action";
import {
  confirmTotpEnrollment,
  passkeyRegistrationOptions,
  startTotpEnrollment,
  verifyPasskeyRegistration,
} from "@/lib/two-step";
import { confirmTotpSchema, noInputSchema, passkeyRegistrationSchema } from "@/lib/validations/two-step";

/** What the browser learns when a factor is added: its name, and the recovery codes of a first factor. */
export type EnrolledFactor = { name: string; recoveryCodes: string[] | null };

// A new factor changes what the account's security page lists.
const refreshesSecurity = { revalidate: "/account/security" };

export const startTotpAction = accountAction(noInputSchema, async (account) =>
  startTotpEnrollment(account, (await getTranslations("two-step"))("defaultAuthenticatorName")),
);

export const confirmTotpAction = accountAction(
  confirmTotpSchema,
  async (account, input, meta): Promise<EnrolledFactor> => {
    const done = await confirmTotpEnrollment(account, input, meta);
    return { name: done.factor.name, recoveryCodes: done.recoveryCodes };
  },
  refreshesSecurity,
);

export const passkeyOptionsAction = accountAction(noInputSchema, (account) => passkeyRegistrationOptions(account));

export const registerPasskeyAction = accountAction(
  passkeyRegistrationSchema,
  async (account, input, meta): Promise<EnrolledFactor> => {
    const name = input.name ?? (await getTranslations("two-step"))("defaultPasskeyName");
    const done = await verifyPasskeyRegistration(account, { ...input, name }, meta);
    return { name: done.factor.name, recoveryCodes: done.recoveryCodes };
  },
  refreshesSecurity,
);
