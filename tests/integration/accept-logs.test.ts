import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, emailOutbox, rateLimits } from "@/db/schema";
import {
  INVITATION_ATTEMPT_LIMITS,
  acceptInvitation,
  checkInvitationKey,
  completeNewAccount,
  declineInvitation,
  verifyTemporaryPassword,
  viewInvitation,
} from "@/lib/invitations/accept";
import { completePasswordReset, requestPasswordReset } from "@/lib/auth/password-reset";
import { openSecret } from "@/lib/email/secret-box";
import { withTestDatabase } from "../support/db";
import { createAccount, createOrganizationWithOwner } from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

// Every level is written in this file, so that whatever any code path logs is looked at.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "debug";
});

const t = withTestDatabase();
const meta = { ip: "203.0.113.50", userAgent: "vitest" };
const NEW_PASSWORD = "amber comet above the salt marsh";

const lines: string[] = [];
const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
beforeAll(() => {
  const capture = (original: typeof originals.out) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(originals.out);
  process.stderr.write = capture(originals.err);
});
afterAll(() => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
});

describe("secrets stay out of the logs and the audit", () => {
  it("no log line, audit event or outbox payload holds an invitation key, a temporary password, a new password or a reset key", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db, "Initrode");
    const fresh = await createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id, kind: "new" });
    const existing = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: owner.id,
      account: await createAccount(db),
    });
    const declining = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: owner.id,
      account: await createAccount(db),
    });
    const secrets = [fresh.key, fresh.temporaryPassword!, existing.key, declining.key, NEW_PASSWORD];

    await viewInvitation(fresh.invitation.id, fresh.key, meta);
    await viewInvitation(fresh.invitation.id, `${fresh.key}x`, meta);
    await verifyTemporaryPassword(
      { invitationId: fresh.invitation.id, key: fresh.key, temporaryPassword: fresh.temporaryPassword! },
      meta,
    );
    for (let i = 0; i < INVITATION_ATTEMPT_LIMITS.perInvitation.limit; i++) {
      await checkInvitationKey(
        { invitationId: existing.invitation.id, key: `${existing.key.slice(0, -2)}${i}` },
        { ...meta, ip: `203.0.113.${60 + i}` },
      ).catch(() => {});
      secrets.push(`${existing.key.slice(0, -2)}${i}`);
    }
    await completeNewAccount(
      {
        invitationId: fresh.invitation.id,
        key: fresh.key,
        temporaryPassword: fresh.temporaryPassword!,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
      meta,
    );
    const someone = {
      id: existing.account.id,
      email: existing.account.email,
      name: existing.account.name,
      locale: null,
      passwordIsTemporary: false,
    };
    await acceptInvitation(someone, { invitationId: existing.invitation.id, key: existing.key }, meta).catch(() => {});
    const decliner = {
      id: declining.account.id,
      email: declining.account.email,
      name: declining.account.name,
      locale: null,
      passwordIsTemporary: false,
    };
    await declineInvitation(decliner, { invitationId: declining.invitation.id, key: declining.key }, meta);

    await requestPasswordReset({ email: existing.account.email }, meta, "en");
    const [mail] = await db.select().from(emailOutbox).where(eq(emailOutbox.template, "password-reset"));
    const { key: resetKey } = JSON.parse(openSecret(mail!.secretCiphertext!)) as { key: string };
    secrets.push(resetKey);
    const resetId = (mail!.payload as { resetId: string }).resetId;
    await completePasswordReset(
      { resetId, key: `${resetKey}x`, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      meta,
    ).catch(() => {});
    await completePasswordReset(
      { resetId, key: resetKey, newPassword: `${NEW_PASSWORD} again`, confirmPassword: `${NEW_PASSWORD} again` },
      meta,
    );
    secrets.push(`${NEW_PASSWORD} again`);

    const logged = lines.join("");
    // The run did log: acceptances, the exceeded limit, the reset.
    expect(logged).toContain("invitation accepted");
    expect(logged).toContain("invitation attempts exceeded");
    expect(logged).toContain("password reset completed");
    const stored = JSON.stringify([
      await db.select().from(auditEvents),
      await db.select({ payload: emailOutbox.payload, to: emailOutbox.toAddress }).from(emailOutbox),
      await db.select({ key: rateLimits.key }).from(rateLimits),
    ]);
    for (const secret of secrets) {
      expect(logged.includes(secret), "a secret reached the logs").toBe(false);
      expect(stored.includes(secret), "a secret reached the audit, the outbox payloads or the rate limits").toBe(false);
    }
  });
});
