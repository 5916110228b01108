"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { FormError } from "@/components/forms/form-error";
import { failureMessage, type ActionResult } from "@/lib/action-result";
import { Button } from "./button";
import { DialogClose, DialogContent } from "./dialog";

/**
 * The body of a confirmation dialog: what will happen, a cancel button and the confirm button,
 * which shows a pending state while the action runs and the action's error if it fails.
 */
export function ConfirmDialogContent<T>({
  title,
  description,
  children,
  confirmLabel,
  pendingLabel,
  cancelLabel,
  danger,
  disabled,
  run,
  onDone,
}: {
  title: string;
  description: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Shown on the confirm button while the action runs ("Removing…"); "Working…" by default. */
  pendingLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
  /** While what the dialog says is still loading. */
  disabled?: boolean;
  run: () => Promise<ActionResult<T>>;
  onDone: (data: T) => void;
}) {
  const tc = useTranslations("common");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function confirm() {
    setPending(true);
    setError(undefined);
    const result = await run();
    setPending(false);
    if (result.ok) onDone(result.data);
    else setError(failureMessage(result));
  }

  return (
    <DialogContent title={title} description={description}>
      {children}
      <FormError message={error} />
      <div className="mt-6 flex justify-end gap-3">
        <DialogClose asChild>
          <Button variant="secondary">{cancelLabel ?? tc("cancel")}</Button>
        </DialogClose>
        <Button
          variant={danger ? "danger" : "primary"}
          onClick={confirm}
          disabled={pending || disabled}
          aria-busy={pending || undefined}
        >
          {pending ? (pendingLabel ?? tc("loading")) : confirmLabel}
        </Button>
      </div>
    </DialogContent>
  );
}
