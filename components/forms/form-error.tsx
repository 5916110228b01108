/** The form-level error, announced to screen readers when it appears. */
export function FormError({ message }: { message?: string }) {
  return (
    <div
      aria-live="assertive"
      role="alert"
      className={
        message ? "rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-inset ring-red-200" : "sr-only"
      }
    >
      {message}
    </div>
  );
}
