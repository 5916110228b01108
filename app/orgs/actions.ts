"use server";

import { redirect } from "next/navigation";
import { accountAction, type ActionResult } from "@/lib/action";
import { createOrganization } from "@/lib/organizations";
import { createOrganizationSchema } from "@/lib/validations/auth";

const create = accountAction(createOrganizationSchema, (account, input, meta) =>
  createOrganization(account, input, meta),
);

export async function createOrganizationAction(raw: unknown): Promise<ActionResult<never>> {
  const result = await create(raw);
  if (!result.ok) return result;
  redirect(`/o/${result.data.slug}`);
}
