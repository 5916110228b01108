"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import { removeFactorAction, renameFactorAction } from "./actions";

export type FactorRow = { id: string; kind: "totp" | "passkey"; name: string; added: string; lastUsed: string | null };

function failureMessage(result: Extract<ActionResult<unknown>, { ok: false }>): string {
  return [result.formError, ...Object.values(result.fieldErrors ?? {}).flat()].filter(Boolean).join(" ");
}

function RenameDialog({ factor, onDone }: { factor: FactorRow; onDone: (message: string) => void }) {
  const t = useTranslations("two-step");
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(factor.name);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    const result = await renameFactorAction({ factorId: factor.id, name });
    setPending(false);
    if (!result.ok) return setError(failureMessage(result));
    setOpen(false);
    onDone(t("renamed", { name: result.data.name }));
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setName(factor.name);
        setError(undefined);
      }}
    >
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        {t("rename")}
        <span className="sr-only"> {factor.name}</span>
      </Button>
      <DialogContent title={t("renameTitle", { name: factor.name })}>
        <form method="post" onSubmit={submit} noValidate className="space-y-4">
          <Field label={t("newName")} error={error}>
            <Input value={name} maxLength={60} onChange={(e) => setName(e.target.value)} autoFocus />
          </Field>
          <div className="flex justify-end gap-3">
            <DialogClose asChild>
              <Button variant="ghost">{t("cancel")}</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? t("saving") : t("save")}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RemoveDialog({
  factor,
  last,
  onDone,
}: {
  factor: FactorRow;
  last: boolean;
  onDone: (message: string) => void;
}) {
  const t = useTranslations("two-step");
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function confirm() {
    setPending(true);
    const result = await removeFactorAction({ factorId: factor.id });
    setPending(false);
    if (!result.ok) return setError(failureMessage(result));
    setOpen(false);
    onDone(t("removed", { name: factor.name }));
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(undefined);
      }}
    >
      <Button variant="danger" size="sm" onClick={() => setOpen(true)}>
        {t("remove")}
        <span className="sr-only"> {factor.name}</span>
      </Button>
      <DialogContent
        title={t("removeTitle", { name: factor.name })}
        description={last ? t("removeLastBody") : t("removeBody")}
      >
        <FormError message={error} />
        <div className="mt-6 flex justify-end gap-3">
          <DialogClose asChild>
            <Button variant="ghost">{t("cancel")}</Button>
          </DialogClose>
          <Button variant="danger" onClick={confirm} disabled={pending}>
            {pending ? t("removing") : t("remove")}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}

/**
 * The account's factors with kind, name, added and last used, and Rename / Remove for each. It
 * stays mounted when the last one goes, so the removal is still announced.
 */
export function FactorList({ factors }: { factors: FactorRow[] }) {
  const t = useTranslations("two-step");
  const [message, setMessage] = useState<string>();
  return (
    <div className="mt-4">
      <p role="status" className={message ? "mb-3 text-sm text-green-800" : "sr-only"}>
        {message}
      </p>
      {factors.length > 0 && (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{t("factors")}</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-4 font-medium">
                {t("name")}
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                {t("type")}
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                {t("addedAt")}
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                {t("lastUsed")}
              </th>
              <th scope="col" className="py-2 font-medium">
                {t("actions")}
              </th>
            </tr>
          </thead>
          <tbody>
            {factors.map((factor) => (
              <tr key={factor.id} className="border-b border-slate-100">
                <th scope="row" className="py-2 pr-4 font-medium">
                  {factor.name}
                </th>
                <td className="py-2 pr-4">{t("kind", { kind: factor.kind })}</td>
                <td className="py-2 pr-4">{factor.added}</td>
                <td className="py-2 pr-4">{factor.lastUsed ?? t("never")}</td>
                <td className="py-2">
                  <div className="flex gap-2">
                    <RenameDialog factor={factor} onDone={setMessage} />
                    <RemoveDialog factor={factor} last={factors.length === 1} onDone={setMessage} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
