import { describe, expect, it } from "vitest";
import { renderEmail, renderEmails, type EmailToRender } from "@/lib/email/render";
import type { EmailTemplates } from "@/lib/email/types";

type Payload = EmailTemplates["invitation"]["payload"];

const base: Omit<Payload, "invitationId" | "variant"> = {
  organizationName: "Acme & <Co>",
  inviterName: 'Olivia "O\'Neil" Owner',
  inviterEmail: "olivia@acme.example",
  role: "administrator",
  expiresAt: "2026-12-04T18:00:00.000Z",
  personalMessage: "Welcome <b>aboard</b> & see you\nMonday.",
  twoStepRequired: true,
};

function invitation(
  n: number,
  variant: Payload["variant"],
  locale: "en" | "fr",
  secret: { key: string; temporaryPassword?: string },
): EmailToRender<"invitation"> {
  return {
    template: "invitation",
    locale,
    payload: { ...base, invitationId: `0b6f3c1e-5a43-4f4e-9d1c-${String(n).padStart(12, "0")}`, variant },
    secret,
  };
}

/** As long as a real key (32 random bytes in base64url: 43 characters), so a batch shares its shape. */
const key = (n: number) => `k3y-Value_${n}`.padEnd(43, "Q");

describe("renderEmails", () => {
  it("renders a batch of invitations byte for byte as each rendered alone, passwords with characters HTML escapes included", async () => {
    const messages: EmailToRender[] = [
      invitation(1, "new-with-password", "en", { key: key(1), temporaryPassword: `p&<w>"'1` }),
      invitation(2, "new-with-password", "en", { key: key(2), temporaryPassword: "plum-orbit-quiet-7" }),
      invitation(3, "new-with-password", "fr", { key: key(3), temporaryPassword: "Ünïcødé pass" }),
      invitation(4, "existing", "en", { key: key(4) }),
      invitation(5, "new-without-password", "fr", { key: key(5) }),
      invitation(6, "existing", "en", { key: key(6) }),
      // A key a URL must encode: rendered alone, the same way.
      invitation(7, "existing", "en", { key: "k3y/+=" }),
      {
        template: "password-changed",
        locale: "en",
        payload: { accountName: "Ada", changedAt: "2026-12-01T10:00:00.000Z" },
        secret: null,
      },
    ];
    const batch = await renderEmails(messages);
    expect(batch).toHaveLength(messages.length);
    for (const [i, message] of messages.entries()) {
      const alone = await renderEmail(message);
      expect(batch[i], `message ${i + 1}`).toEqual(alone);
    }
    // Each one carries its own values, none of another's.
    const first = batch[0] as { html: string; text: string };
    expect(first.text).toContain(`p&<w>"'1`);
    expect(first.html).toContain("p&amp;&lt;w&gt;&quot;&#x27;1");
    expect(first.html).not.toContain(key(2));
    expect(first.html).toContain(`/invite/0b6f3c1e-5a43-4f4e-9d1c-000000000001?key=${key(1)}`);
    expect(first.text).toContain(key(1));
  });

  it("shares a shape between invitations whose expiry reads the same, and not across a minute", async () => {
    const at = (expiresAt: string, n: number): EmailToRender<"invitation"> => {
      const message = invitation(n, "existing", "en", { key: key(n) });
      return { ...message, payload: { ...message.payload, expiresAt } };
    };
    const messages = [
      at("2026-12-04T18:00:00.000Z", 1),
      at("2026-12-04T18:00:41.123Z", 2),
      at("2026-12-04T18:01:00.000Z", 3),
      at("2026-12-04T18:00:59.999Z", 4),
    ];
    const batch = await renderEmails(messages);
    for (const [i, message] of messages.entries())
      expect(batch[i], `message ${i + 1}`).toEqual(await renderEmail(message));
    const texts = batch.map((r) => (r as { text: string }).text.replace(/k3y-Value_\dQ+|0{11}\d/g, ""));
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).not.toBe(texts[0]);
  });

  it("answers an error for a message that cannot be rendered and renders the others", async () => {
    const results = await renderEmails([
      invitation(1, "new-with-password", "en", { key: "k1" }),
      invitation(2, "existing", "en", { key: "k2" }),
    ]);
    expect(results[0]).toBeInstanceOf(Error);
    expect((results[1] as { html: string }).html).toContain("key=k2");
  });
});
