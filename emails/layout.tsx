import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { CSSProperties, ReactNode } from "react";
import type { AppLocale } from "@/lib/i18n/config";

const colors = { text: "#0f172a", muted: "#475569", border: "#e2e8f0", accent: "#1d4ed8", panel: "#f8fafc" };

const styles = {
  body: {
    backgroundColor: "#f1f5f9",
    fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    margin: 0,
    padding: "24px 0",
  },
  container: {
    backgroundColor: "#ffffff",
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    margin: "0 auto",
    maxWidth: 560,
    padding: "32px",
  },
  brand: { color: colors.muted, fontSize: 13, fontWeight: 600, letterSpacing: "0.04em", margin: "0 0 16px" },
  heading: { color: colors.text, fontSize: 22, fontWeight: 600, lineHeight: "30px", margin: "0 0 16px" },
  text: { color: colors.text, fontSize: 15, lineHeight: "24px", margin: "0 0 16px" },
  muted: { color: colors.muted, fontSize: 13, lineHeight: "20px", margin: "0 0 8px" },
  button: {
    backgroundColor: colors.accent,
    borderRadius: 6,
    color: "#ffffff",
    fontSize: 15,
    fontWeight: 600,
    padding: "12px 20px",
    textDecoration: "none",
  },
  link: { color: colors.accent, wordBreak: "break-all" },
  quote: {
    backgroundColor: colors.panel,
    borderLeft: `4px solid ${colors.border}`,
    margin: "0 0 16px",
    padding: "12px 16px",
  },
  code: {
    backgroundColor: colors.panel,
    border: `1px solid ${colors.border}`,
    borderRadius: 4,
    fontFamily: "ui-monospace, Menlo, Consolas, monospace",
    fontSize: 14,
    padding: "1px 6px",
  },
} satisfies Record<string, CSSProperties>;

/** The frame every Gatehouse email shares: brand line, heading, body, footer. */
export function EmailLayout({
  locale,
  preview,
  heading,
  footer,
  children,
}: {
  locale: AppLocale;
  preview: string;
  heading: string;
  footer: string;
  children: ReactNode;
}) {
  return (
    <Html lang={locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>Gatehouse</Text>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Hr style={{ borderColor: colors.border, margin: "24px 0 16px" }} />
          <Text style={styles.muted}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children, muted = false }: { children: ReactNode; muted?: boolean }) {
  return <Text style={muted ? styles.muted : styles.text}>{children}</Text>;
}

/**
 * The action of an email: a button for HTML readers, then the address itself on a line of its
 * own (the only form the plain-text part carries), for clients that drop buttons.
 */
export function CallToAction({ href, label, intro }: { href: string; label: string; intro: string }) {
  return (
    <Section style={{ margin: "8px 0 16px" }}>
      <Button href={href} style={styles.button} data-skip-in-text="true">
        {label}
      </Button>
      <Text style={{ ...styles.muted, marginTop: 20 }}>{intro}</Text>
      <Text style={{ ...styles.text, fontSize: 13 }}>
        <Link href={href} style={styles.link}>
          {href}
        </Link>
      </Text>
    </Section>
  );
}

/** Text someone typed (a personal message): escaped like all React text, its line breaks kept. */
export function Quote({ text }: { text: string }) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  return (
    <Section style={styles.quote}>
      <Text style={{ ...styles.text, margin: 0 }}>
        {lines.map((line, i) => (
          <span key={i}>
            {i > 0 && <br />}
            {line}
          </span>
        ))}
      </Text>
    </Section>
  );
}

/** The value inside a labelled line ("Key: …"), set in a monospaced box for copying. */
export function code(chunks: ReactNode) {
  return <code style={styles.code}>{chunks}</code>;
}
