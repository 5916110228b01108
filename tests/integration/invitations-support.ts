import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "@/db/client";
import { accounts, invitations, organizationSettings } from "@/db/schema";
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

/** `n` pending invitations in the organization, each to an account of its own, written at once. */
export async function fillPendingInvitations(db: Database, organizationId: string, inviterId: string, n: number) {
  const stamp = randomUUID().slice(0, 8);
  const invitees = await db
    .insert(accounts)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `cap${i}.${stamp}@example.com`,
        emailNormalized: `cap${i}.${stamp}@example.com`,
        name: `Cap ${i}`,
      })),
    )
    .returning({ id: accounts.id, email: accounts.email });
  await db.insert(invitations).values(
    invitees.map((a) => ({
      organizationId,
      accountId: a.id,
      email: a.email,
      emailNormalized: a.email,
      role: "administrator" as const,
      invitedByAccountId: inviterId,
      keyHash: "0".repeat(64),
      expiresAt: new Date(Date.now() + 86_400_000),
      locale: "en" as const,
      passwordDelivery: "none" as const,
    })),
  );
}
