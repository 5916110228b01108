"use client";

import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action-result";
import { passkeySignInAction, passkeySignInOptionsAction } from "./actions";

function failureMessage(result: Extract<ActionResult<unknown>, { ok: false }>): string | undefined {
  return [result.formError, ...Object.values(result.fieldErrors ?? {}).flat()].filter(Boolean).join(" ") || undefined;
}

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
  const [waiting, setWaiting] = useState(false);

  async function signIn() {
    setError(undefined);
    if (!browserSupportsWebAuthn()) return setError(t("secondStep.passkeyUnsupported"));
    setWaiting(true);
    try {
      const ceremony = await passkeySignInOptionsAction();
      if (!ceremony.ok) return setError(failureMessage(ceremony));
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        response = await startAuthentication({ optionsJSON: ceremony.data.options });
      } catch {
        return setError(t("secondStep.passkeyCancelled"));
      }
      const result = await passkeySignInAction({ response, state: ceremony.data.state, callbackUrl });
      if (result && !result.ok) setError(failureMessage(result));
    } finally {
      setWaiting(false);
    }
  }

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
