"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { signOutToSwitchAction } from "../actions";

/** Signed in as someone else: nothing is offered but signing out, and the page stays. */
export function SignOutToSwitch() {
  const t = useTranslations("invite");
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <Button
      variant="secondary"
      className="mt-4"
      disabled={pending}
      onClick={() =>
        start(async () => {
          await signOutToSwitchAction();
          router.refresh();
        })
      }
    >
      {pending ? t("signingOut") : t("signOut")}
    </Button>
  );
}
