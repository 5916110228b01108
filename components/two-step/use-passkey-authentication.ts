"use client";

import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { failureMessage, type ActionResult } from "@/lib/action-result";

type RequestOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];
type AuthenticationResponse = Awaited<ReturnType<typeof startAuthentication>>;

/**
 * A passkey authentication: the server's options, the browser's prompt, then `verify` with the
 * response and the server's sealed state. Every failure (no WebAuthn, the prompt cancelled, an
 * action's refusal) goes to `setError`, which is cleared when it starts; `waiting` is true while
 * it runs. A successful `verify` redirects.
 */
export function usePasskeyAuthentication<TState>({
  options,
  verify,
  setError,
}: {
  options: () => Promise<ActionResult<{ options: RequestOptions; state: TState }>>;
  verify: (response: AuthenticationResponse, state: TState) => Promise<ActionResult<unknown> | undefined>;
  setError: (message: string | undefined) => void;
}): { authenticate: () => Promise<void>; waiting: boolean } {
  const t = useTranslations("auth");
  const [waiting, setWaiting] = useState(false);

  async function authenticate() {
    setError(undefined);
    if (!browserSupportsWebAuthn()) return setError(t("secondStep.passkeyUnsupported"));
    setWaiting(true);
    try {
      const ceremony = await options();
      if (!ceremony.ok) return setError(failureMessage(ceremony));
      let response: AuthenticationResponse;
      try {
        response = await startAuthentication({ optionsJSON: ceremony.data.options });
      } catch {
        return setError(t("secondStep.passkeyCancelled"));
      }
      const result = await verify(response, ceremony.data.state);
      if (result && !result.ok) setError(failureMessage(result));
    } finally {
      setWaiting(false);
    }
  }

  return { authenticate, waiting };
}
