import type { ReactNode } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";

/** A form's submit button, disabled and saying `pendingLabel` while the form submits. */
export function SubmitButton({
  pending,
  pendingLabel,
  disabled,
  children,
  ...props
}: Omit<ButtonProps, "type"> & { pending: boolean; pendingLabel: ReactNode }) {
  return (
    <Button type="submit" disabled={pending || disabled} {...props}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

/** A submit button with the polite status line beside it that says what the last submit did. */
export function SubmitRow({ status, ...props }: Parameters<typeof SubmitButton>[0] & { status: ReactNode }) {
  return (
    <div className="flex items-center gap-4">
      <SubmitButton {...props} />
      <p role="status" aria-live="polite" className="text-sm text-emerald-800">
        {status}
      </p>
    </div>
  );
}
