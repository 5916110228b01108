"use client";

import { useTranslations } from "next-intl";
import { usePasskeyAuthentication } from "@/components/two-step/use-passkey-authentication";
import { Button } from "@/components/ui/button";
import { passkeySignInAction, passkeySignInOptionsAction } from "./actions";

/** "Sign in with a passkey": a discoverable credential alone, for accounts that registered one. */
export function PasskeySignIn({
  callbackUrl,
  onError: setError,
}: {
  callbackUrl: string;
  /** Shows (or, with undefined, clears) the message in the sign-in form's error region. */
  onError: (message: string | undefined) => void;
}) {
  const t = useTranslations("auth");
  const { authenticate: signIn, waiting } = usePasskeyAuthentication({
    options: passkeySignInOptionsAction,
    verify: (response, state) => passkeySignInAction({ response, state, callbackUrl }),
    setError,
  });

  return (
    <div className="mt-4 space-y-2">
      <Button variant="secondary" className="w-full" onClick={signIn} disabled={waiting}>
        {t("signInWithPasskey")}
      </Button>
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {waiting ? t("secondStep.passkeyWaiting") : ""}
      </p>
    </div>
  );
}
