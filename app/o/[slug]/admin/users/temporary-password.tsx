"use client";

import { Check, Copy } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** A temporary password shown once, with a Copy button. It lives only in this component's props. */
export function TemporaryPassword({ password }: { password: string }) {
  const t = useTranslations("users.actions");
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-end gap-2">
      <div className="flex-1">
        <Field label={t("temporaryPassword")}>
          <Input readOnly value={password} className="font-mono" onFocus={(e) => e.currentTarget.select()} />
        </Field>
      </div>
      <Button
        variant="secondary"
        onClick={async () => {
          await navigator.clipboard.writeText(password);
          setCopied(true);
        }}
      >
        {copied ? <Check aria-hidden className="size-4" /> : <Copy aria-hidden className="size-4" />}
        {t("copy")}
      </Button>
      <span aria-live="polite" className="sr-only">
        {copied ? t("copied") : ""}
      </span>
    </div>
  );
}
