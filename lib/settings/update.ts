import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { organizationSettings } from "@/db/schema";
import { diff, recordAudit } from "@/lib/audit/record";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import type { SettingsInput } from "@/lib/validations/settings";
import { readSettings, snapshotColumns, type SettingsSnapshot } from "./read";

export type SettingsSaved = { settings: SettingsSnapshot; changed: boolean };

const changedMeanwhile = () => new DomainError("settings.errors.changedMeanwhile", { status: 409 });

/**
 * For members with `settings:manage`: saves System Settings – General if nobody saved since
 * `input.version` was read (else `settings.errors.changedMeanwhile`, nothing written). A save
 * that changes something bumps the version and is audited with before → after; one that changes
 * nothing writes nothing.
 */
export async function updateSettings(actor: Actor, input: SettingsInput): Promise<SettingsSaved> {
  assertCan(actor, "settings:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "settings:manage");
    const before = await readSettings(tx, actor.organizationId);
    if (before.version !== input.version) throw changedMeanwhile();

    const { version, twoStepRequirement, ...rest } = input;
    const after = twoStepRequirement === undefined ? rest : { ...rest, twoStepRequirement };
    const changes = diff(before, after);
    if (Object.keys(changes).length === 0) return { settings: before, changed: false };

    // The version in the condition makes a concurrent save that committed first win: this
    // update then matches no row, rather than overwriting it.
    const [saved] = await tx
      .update(organizationSettings)
      .set({
        ...after,
        version: sql`${organizationSettings.version} + 1`,
        updatedAt: new Date(),
        updatedByAccountId: actor.accountId,
      })
      .where(
        and(eq(organizationSettings.organizationId, actor.organizationId), eq(organizationSettings.version, version)),
      )
      .returning(snapshotColumns);
    if (!saved) throw changedMeanwhile();

    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actor,
      action: "settings.updated",
      target: { type: "organization", id: actor.organizationId, label: actor.organizationName },
      details: { changes, version: saved.version },
    });
    return { settings: saved, changed: true };
  });
}
