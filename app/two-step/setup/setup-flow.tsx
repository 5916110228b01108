"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { EnrollMethods } from "@/components/two-step/enroll-methods";
import { RecoveryCodesPanel } from "@/components/two-step/recovery-codes-panel";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { EnrolledFactor } from "./actions";

/** Enroll a factor, then (for a first factor) the recovery codes, then on to `next`. */
export function SetupFlow({ email, next }: { email: string; next: string }) {
  const t = useTranslations("two-step");
  const router = useRouter();
  const [enrolled, setEnrolled] = useState<EnrolledFactor | null>(null);
  const proceed = () => router.push(next);

  if (enrolled?.recoveryCodes) {
    return <RecoveryCodesPanel codes={enrolled.recoveryCodes} email={email} onContinue={proceed} />;
  }
  if (enrolled) {
    return (
      <div className="mt-6 space-y-4">
        <Alert tone="success" role="status">
          {t("added", { name: enrolled.name })}
        </Alert>
        <Button className="w-full" onClick={proceed}>
          {t("continue")}
        </Button>
      </div>
    );
  }
  return <EnrollMethods onEnrolled={setEnrolled} />;
}
