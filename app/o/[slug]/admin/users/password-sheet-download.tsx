"use client";

import { FileDown } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

/**
 * Download PDF: posts the sealed password-sheet token of a just-sent invitation (never in a URL).
 * The server honours it once, so the button disables itself after the first submit.
 */
export function PasswordSheetDownload({
  organizationSlug,
  token,
  downloaded,
  onDownload,
}: {
  organizationSlug: string;
  token: string;
  downloaded: boolean;
  onDownload: () => void;
}) {
  const t = useTranslations("invite-wizard");
  return (
    <form
      method="post"
      action={`/o/${organizationSlug}/admin/users/invite/password-sheet`}
      onSubmit={() => setTimeout(onDownload, 0)}
    >
      <input type="hidden" name="token" value={token} />
      <Button type="submit" variant="secondary" disabled={downloaded}>
        <FileDown aria-hidden className="size-4" />
        {t("downloadPdf")}
      </Button>
    </form>
  );
}
