"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/components/forms/form-error";
import { EnrollMethods } from "@/components/two-step/enroll-methods";
import { RecoveryCodesPanel } from "@/components/two-step/recovery-codes-panel";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import type { EnrolledFactor } from "@/app/two-step/setup/actions";
import { regenerateRecoveryCodesAction } from "./actions";

/** "Generate new recovery codes" behind a confirmation, then the new codes shown once. */
export function RegenerateRecoveryCodes({ email }: { email: string }) {
  const t = useTranslations("two-step");
  const [open, setOpen] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function confirm() {
    setPending(true);
    const result = await regenerateRecoveryCodesAction();
    setPending(false);
    if (!result.ok) return setError(result.formError);
    setOpen(false);
    setCodes(result.data);
  }

  if (codes) return <RecoveryCodesPanel codes={codes} email={email} onContinue={() => setCodes(null)} />;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(undefined);
      }}
    >
      <Button variant="secondary" className="mt-3" onClick={() => setOpen(true)}>
        {t("regenerate")}
      </Button>
      <DialogContent title={t("regenerateTitle")} description={t("regenerateBody")}>
        <FormError message={error} />
        <div className="mt-6 flex justify-end gap-3">
          <DialogClose asChild>
            <Button variant="ghost">{t("cancel")}</Button>
          </DialogClose>
          <Button onClick={confirm} disabled={pending}>
            {pending ? t("regenerating") : t("regenerate")}
          </Button>
        </div>
      </DialogContent>
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
