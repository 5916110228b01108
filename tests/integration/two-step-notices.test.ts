import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailOutbox } from "@/db/schema";
import { createResendTransport } from "@/lib/email/resend-transport";
import { createOutboxWorker } from "@/lib/email/worker";
import { confirmTotpEnrollment, resetFactors, startTotpEnrollment } from "@/lib/two-step";
import { totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { withTestDatabase } from "../support/db";
import { addMember, createAccount, createOrganizationWithOwner } from "../support/factories";
import { startResendStandIn, type StandIn } from "../support/resend-stand-in";

const t = withTestDatabase();
let standIn: StandIn;

beforeAll(async () => {
  standIn = await startResendStandIn();
});
afterAll(async () => {
  await standIn?.close();
});

describe("two-step notices", () => {
  it("are delivered by the outbox worker: a factor added, then the reset by an administrator", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Notices");
    const row = await createAccount(t.db(), { name: "Nina Notified" });
    const membership = await addMember(t.db(), org.id, row.id, { role: "administrator" });
    const account = { id: row.id, email: row.email, name: row.name, locale: row.locale };
    const started = await startTotpEnrollment(account, "Phone");
    const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
    await confirmTotpEnrollment(
      account,
      { factorId: started.factorId, code: totpCodeAt(secret, totpStepAt()) },
      { ip: "198.51.100.91", userAgent: "vitest notices" },
    );
    await resetFactors(actor, membership.id);

    const worker = createOutboxWorker({
      transport: createResendTransport({ apiKey: "re_test", baseUrl: standIn.url, timeoutMs: 10_000 }),
      ratePerSecond: null,
    });
    await worker.drain();

    const rows = await t.db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, account.email));
    expect(rows.map((r) => ({ template: r.template, status: r.status, error: r.lastError }))).toEqual([
      { template: "two-step-changed", status: "sent", error: null },
      { template: "two-step-changed", status: "sent", error: null },
    ]);
    const received = standIn.emails.filter((e) => e.to.includes(account.email));
    expect(received).toHaveLength(2);
    expect(received.map((e) => e.text ?? "").join("\n")).toContain("Olivia Owner");
  });
});
