"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * Recovery codes shown once: the list, Download (a text file made in the browser, so the codes
 * travel no further), and Continue once "I have saved my recovery codes" is ticked.
 */
export function RecoveryCodesPanel({
  codes,
  email,
  onContinue,
}: {
  codes: string[];
  email: string;
  onContinue: () => void;
}) {
  const t = useTranslations("two-step");
  const id = useId();
  const [saved, setSaved] = useState(false);

  function download() {
    const text = [t("downloadHeader", { email }), "", ...codes, ""].join("\n");
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "gatehouse-recovery-codes.txt";
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section aria-labelledby={`${id}-title`} className="mt-6 space-y-4">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {t("recoveryTitle")}
      </h2>
      <p className="text-sm text-slate-700">{t("recoveryIntro")}</p>
      <ol
        aria-label={t("recoveryList")}
        className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-4 font-mono text-sm ring-1 ring-slate-200"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <Button variant="secondary" onClick={download}>
        {t("download")}
      </Button>
      <div className="flex items-center gap-2">
        <input
          id={`${id}-saved`}
          type="checkbox"
          checked={saved}
          onChange={(e) => setSaved(e.target.checked)}
          className="h-4 w-4"
        />
        <label htmlFor={`${id}-saved`} className="text-sm">
          {t("savedConfirm")}
        </label>
      </div>
      <Button className="w-full" disabled={!saved} onClick={onContinue}>
        {t("continue")}
      </Button>
    </section>
  );
}
