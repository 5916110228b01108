import { eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { emailOutbox, invitations, organizationSettings } from "@/db/schema";
import type { StoredEmail } from "../support/resend-stand-in";
import {
  expect,
  expectAccessible,
  inviteNewAccount,
  screenshot,
  seedOrganization,
  signIn,
  test,
} from "./support/fixtures";

const standIn = process.env.E2E_RESEND_URL!;

async function sentTo(address: string): Promise<StoredEmail[]> {
  const emails = (await (await fetch(`${standIn}/__emails`)).json()) as StoredEmail[];
  return emails.filter((e) => e.to.includes(address));
}

/** Faults apply to the next requests, whoever sends them: start once nothing else is on its way. */
async function failNextSend(db: Database, retryAfterSeconds: number) {
  await expect
    .poll(
      async () =>
        (
          await db
            .select({ id: emailOutbox.id })
            .from(emailOutbox)
            .where(inArray(emailOutbox.status, ["queued", "sending", "retrying"]))
        ).length,
      {
        timeout: 30_000,
      },
    )
    .toBe(0);
  const response = await fetch(`${standIn}/__faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      faults: [{ kind: "status", status: 503, retryAfterSeconds, message: "Service unavailable" }],
    }),
  });
  expect(response.ok).toBe(true);
}

test("with the provider failing, the Users page shows Retrying, then Sent, and one email arrives", async ({
  page,
  db,
}) => {
  test.setTimeout(120_000);
  const { org, owner } = await seedOrganization(db, "Globex");
  await db
    .update(organizationSettings)
    .set({ temporaryPasswordPolicy: "send" })
    .where(eq(organizationSettings.organizationId, org.id));
  const invitee = `hank.${Date.now().toString(36)}@example.com`;
  await signIn(page, owner.email);

  await failNextSend(db, 12);
  await inviteNewAccount(page, org.slug, invitee, "Hi Hank,\n<b>Welcome</b> & see you <script>soon</script>");

  await page.goto(`/o/${org.slug}/admin/users?q=${encodeURIComponent(invitee)}`);
  const row = page.getByRole("row").filter({ hasText: invitee });
  // The worker's first attempt may land after this render: reload until it shows (the 12-second
  // Retry-After keeps the invitation in Retrying long enough to see it).
  await expect(async () => {
    await page.reload();
    await expect(row.getByText(/^Email retrying \(next attempt at .+\)$/)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expectAccessible(page);
  await screenshot(page, "email-delivery-retrying");

  await expect(async () => {
    await page.reload();
    await expect(row.getByText("Email sent", { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await screenshot(page, "email-delivery-sent");

  const [invitation] = await db.select().from(invitations).where(eq(invitations.email, invitee));
  const [outbox] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, invitation!.lastEmailId!));
  expect(outbox).toMatchObject({
    status: "sent",
    attempts: 2,
    secretCiphertext: null,
    lastError: "503 application_error: Service unavailable",
  });

  const emails = await sentTo(invitee);
  expect(emails).toHaveLength(1);
  const [email] = emails;
  expect(email!.idempotencyKey).toBe(outbox!.idempotencyKey);
  expect(email!.id).toBe(outbox!.providerMessageId);
  expect(email!.subject).toBe("Olivia Owner invited you to join Globex as an administrator");
  const lines = email!.text!.split("\n");
  expect(lines).toContain(`Invitation ID: ${invitation!.id}`);
  const key = lines.find((l) => l.startsWith("Key: "))?.slice("Key: ".length);
  expect(key).toBeTruthy();
  expect(lines).toContain(`${process.env.E2E_BASE_URL}/invite/${invitation!.id}?key=${encodeURIComponent(key!)}`);
  expect(lines.some((l) => /^Temporary password: \S{12,}$/.test(l))).toBe(true);
  expect(lines).toContain("<b>Welcome</b> & see you <script>soon</script>");
  expect(email!.html).toContain("&lt;b&gt;Welcome&lt;/b&gt; &amp; see you &lt;script&gt;soon&lt;/script&gt;");
  expect(email!.html).not.toContain("<script>soon");
});

test("the development mailbox and previews do not exist in production", async ({ page }) => {
  for (const path of ["/dev/mailbox", "/dev/emails", "/dev/emails/invitation/existing"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
});
