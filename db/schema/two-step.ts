import { bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { twoStepFactorKindEnum } from "./enums";

/**
 * An account's second factors. An authenticator app keeps its secret sealed (AES-256-GCM, like
 * outbox secrets) and the last time step it accepted, so a code is used once; it counts only once
 * confirmed with a first code. A passkey keeps its WebAuthn credential (public key, counter).
 */
export const twoStepFactors = pgTable(
  "two_step_factors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: twoStepFactorKindEnum("kind").notNull(),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    totpSecretCiphertext: text("totp_secret_ciphertext"),
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    credentialId: text("credential_id"),
    publicKey: text("public_key"),
    signCount: bigint("sign_count", { mode: "number" }),
    transports: text("transports").array(),
  },
  (t) => [
    index("two_step_factors_account_idx").on(t.accountId),
    uniqueIndex("two_step_factors_credential_id_key").on(t.credentialId),
  ],
);

/** Ten single-use recovery codes per account, stored hashed; regenerating replaces them all. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("recovery_codes_account_code_key").on(t.accountId, t.codeHash)],
);
