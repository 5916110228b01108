"use client";

import { UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

/** Opens the Add Administrator wizard (/o/[slug]/admin/users/invite). */
export function AddAdministratorButton({
  organizationSlug,
  variant = "primary",
}: {
  organizationSlug: string;
  variant?: "primary" | "secondary";
}) {
  const t = useTranslations("nav");
  const router = useRouter();
  return (
    <Button variant={variant} onClick={() => router.push(`/o/${organizationSlug}/admin/users/invite`)}>
      <UserPlus aria-hidden className="size-4" />
      {t("addAdministrator")}
    </Button>
  );
}
