"use client";

import { FileDown } from "lucide-react";
import { Button } from "@/components/ui/button";

/**
 * Download PDF: posts the sealed password-sheet token of a just-sent invitation (never in a URL).
 * The server honours it once, so the button disables itself after the first submit.
 */
export function PasswordSheetDownload({
  organizationSlug,
  token,
  label,
  downloaded,
  onDownload,
}: {
  organizationSlug: string;
  token: string;
  label: string;
  downloaded: boolean;
  onDownload: () => void;
}) {
  return (
    <form
      method="post"
      action={`/o/${organizationSlug}/admin/users/invite/password-sheet`}
      onSubmit={() => setTimeout(onDownload, 0)}
    >
      <input type="hidden" name="token" value={token} />
      <Button type="submit" variant="secondary" disabled={downloaded}>
        <FileDown aria-hidden className="size-4" />
        {label}
      </Button>
    </form>
  );
}
