"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";
import type { ActionResult } from "@/lib/action-result";

// Failures that mean the invitation is no longer what the page shows: re-render the page, which
// then says which state it is in instead of offering a form that cannot work.
const stale = new Set([
  "invite.wrongKey",
  "invite.expired",
  "invite.revoked",
  "invite.alreadyAccepted",
  "invite.declined",
  "invite.passwordAlreadySet",
  "invite.otherAccount",
]);

export function useRefreshWhenStale() {
  const router = useRouter();
  return useCallback(
    (result: Extract<ActionResult<unknown>, { ok: false }>) => {
      if (stale.has(result.code)) router.refresh();
    },
    [router],
  );
}
