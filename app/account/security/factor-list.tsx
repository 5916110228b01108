"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialogContent } from "@/components/ui/confirm-dialog";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { failureMessage } from "@/lib/action-result";
import { removeFactorAction, renameFactorAction } from "./actions";
import { DataTable } from "@/components/ui/data-table";

export type FactorRow = { id: string; kind: "totp" | "passkey"; name: string; added: string; lastUsed: string | null };

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
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="danger" size="sm" onClick={() => setOpen(true)}>
        {t("remove")}
        <span className="sr-only"> {factor.name}</span>
      </Button>
      <ConfirmDialogContent
        title={t("removeTitle", { name: factor.name })}
        description={last ? t("removeLastBody") : t("removeBody")}
        confirmLabel={t("remove")}
        pendingLabel={t("removing")}
        danger
        run={() => removeFactorAction({ factorId: factor.id })}
        onDone={() => {
          setOpen(false);
          onDone(t("removed", { name: factor.name }));
        }}
      />
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
        <DataTable caption={t("factors")} columns={[t("name"), t("type"), t("addedAt"), t("lastUsed"), t("actions")]}>
          {factors.map((factor) => (
            <tr key={factor.id}>
              <th scope="row" className="font-medium">
                {factor.name}
              </th>
              <td>{t("kind", { kind: factor.kind })}</td>
              <td className="nowrap">{factor.added}</td>
              <td className="nowrap">{factor.lastUsed ?? t("never")}</td>
              <td>
                <div className="flex gap-2">
                  <RenameDialog factor={factor} onDone={setMessage} />
                  <RemoveDialog factor={factor} last={factors.length === 1} onDone={setMessage} />
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
