import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "@/db/client";
import { organizationSettings } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import type { SendInviteInput } from "@/lib/validations/invitations";

/** A Send Invite payload as the wizard submits it, with a fresh idempotency key. */
export function sendInput(
  emails: string,
  overrides: Partial<Omit<SendInviteInput, "options">> & { options?: Partial<SendInviteInput["options"]> } = {},
): SendInviteInput {
  return {
    idempotencyKey: randomUUID(),
    emails,
    passwordDelivery: null,
    ...overrides,
    options: {
      locale: "en",
      personalMessage: "",
      accessExpiry: "",
      external: false,
      privileged: false,
      ...overrides.options,
    },
  };
}

export async function setSettings(
  db: Database,
  organizationId: string,
  values: Partial<typeof organizationSettings.$inferInsert>,
) {
  await db.update(organizationSettings).set(values).where(eq(organizationSettings.organizationId, organizationId));
}

export async function expectDomainError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
}
