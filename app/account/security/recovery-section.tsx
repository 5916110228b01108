"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { EnrollMethods } from "@/components/two-step/enroll-methods";
import { RecoveryCodesPanel } from "@/components/two-step/recovery-codes-panel";
import { Button } from "@/components/ui/button";
import { ConfirmDialogContent } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import type { EnrolledFactor } from "@/app/two-step/setup/actions";
import { regenerateRecoveryCodesAction } from "./actions";

/** "Generate new recovery codes" behind a confirmation, then the new codes shown once. */
export function RegenerateRecoveryCodes({ email }: { email: string }) {
  const t = useTranslations("two-step");
  const [open, setOpen] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);

  if (codes) return <RecoveryCodesPanel codes={codes} email={email} onContinue={() => setCodes(null)} />;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="secondary" className="mt-3" onClick={() => setOpen(true)}>
        {t("regenerate")}
      </Button>
      <ConfirmDialogContent
        title={t("regenerateTitle")}
        description={t("regenerateBody")}
        confirmLabel={t("regenerate")}
        pendingLabel={t("regenerating")}
        run={regenerateRecoveryCodesAction}
        onDone={(fresh) => {
          setOpen(false);
          setCodes(fresh);
        }}
      />
    </Dialog>
  );
}

/** Set up authenticator app / Add a passkey from the security page; a first factor's codes are shown once. */
export function AddMethods({ email }: { email: string }) {
  const t = useTranslations("two-step");
  const [enrolled, setEnrolled] = useState<EnrolledFactor | null>(null);
  if (enrolled?.recoveryCodes)
    return <RecoveryCodesPanel codes={enrolled.recoveryCodes} email={email} onContinue={() => setEnrolled(null)} />;
  return (
    <>
      {enrolled && (
        <p role="status" className="mt-3 text-sm text-green-800">
          {t("added", { name: enrolled.name })}
        </p>
      )}
      <EnrollMethods onEnrolled={setEnrolled} />
    </>
  );
}
