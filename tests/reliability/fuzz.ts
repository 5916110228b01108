import fc from "fast-check";
import type { Database } from "@/db/client";
import { pagePath, type ActionClient, type ActionInfo } from "../support/action-client";
import { countRows } from "../support/factories";
import type { World } from "./identities";
import { actionKey } from "./matrix";
import { samples } from "./samples";

// Hostile content. Each generated case also breaks at least one field for certain (a wrong
// type, an oversized string, a missing or non-object payload), so none of them may succeed.
const hostileText = fc.oneof(
  fc.constantFrom(
    "' OR 1=1 --",
    "'; DROP TABLE accounts; --",
    '" UNION SELECT password_hash FROM accounts --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}${7*7}",
    "../../../../etc/passwd",
    "\u0000\u0001\u001f\u007f",
    "\u202e\u2066gnp.exe",
    "аdmin@exаmple.com",
    "ａｄｍｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "admin@example.com\r\nBcc: victim@example.com",
    "%00%0d%0a",
    "😀".repeat(40),
  ),
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
);

const hugeText = fc
  .integer({ min: 5_000, max: 120_000 })
  .chain((n) => fc.constantFrom("A".repeat(n), "<".repeat(n), "é".repeat(n), "\u0000".repeat(n)));
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

type Case = { payload: unknown; broken: string };

function casesFor(template: Record<string, unknown>): fc.Arbitrary<Case> {
  const fields = Object.keys(template);
  const withHostileOthers = (base: Record<string, unknown>) =>
    fc
      .record({
        extra: fc.dictionary(
          fc.constantFrom("__proto__x", "isOwner", "role", "organizationId", "id", "status"),
          hostileText,
          { maxKeys: 3 },
        ),
        noise: fc.array(hostileText, { minLength: fields.length, maxLength: fields.length }),
        pick: fc.array(fc.boolean(), { minLength: fields.length, maxLength: fields.length }),
      })
      .map(({ extra, noise, pick }) => {
        const out: Record<string, unknown> = { ...extra, ...base };
        fields.forEach((f, i) => {
          if (pick[i] && typeof template[f] === "string" && out[f] === template[f]) out[f] = noise[i];
        });
        return out;
      });
  const strategies: fc.Arbitrary<Case>[] = [
    fc.oneof(wrongType, hugeText, hostileText).map((payload) => ({ payload, broken: "payload is not an object" })),
  ];
  if (fields.length) {
    const field = fc.constantFrom(...fields);
    strategies.push(
      fc
        .tuple(field, wrongType)
        .chain(([f, v]) =>
          withHostileOthers({ ...template, [f]: v }).map((payload) => ({ payload, broken: `${f}: wrong type` })),
        ),
      fc
        .tuple(field, hugeText)
        .chain(([f, v]) =>
          withHostileOthers({ ...template, [f]: v }).map((payload) => ({ payload, broken: `${f}: oversized` })),
        ),
      fc
        .constant(null)
        .chain(() => withHostileOthers({}).map((payload) => ({ payload, broken: "every field missing" }))),
    );
  }
  return fc.oneof(...strategies);
}

export type FuzzTotals = {
  cases: number;
  unhandled: number;
  writes: number;
  byAction: Record<string, { cases: number; unhandled: number; writes: number }>;
  examples: string[];
};

/**
 * Sends generated hostile input to every action as the administrator (so parsing is reached)
 * and checks each answer is a handled refusal, never an unexpected error, and writes nothing.
 */
export async function runFuzz(
  db: Database,
  world: World,
  actions: ActionInfo[],
  admin: ActionClient,
  casesPerAction: number,
  seed = 20261127,
): Promise<FuzzTotals> {
  const totals: FuzzTotals = { cases: 0, unhandled: 0, writes: 0, byAction: {}, examples: [] };
  for (const action of actions) {
    const sample = samples[actionKey(action)];
    if (!sample?.fuzz) continue;
    const generated = fc.sample(casesFor(sample.fuzz), { numRuns: casesPerAction, seed });
    const stats = { cases: 0, unhandled: 0, writes: 0 };
    const before = await countRows(db);
    const path = pagePath(action.pages[0] ?? "app/page", { slug: world.target.org.slug });
    for (const { payload, broken } of generated) {
      const args = sample.kind === "org" ? [world.target.org.slug, payload] : [payload];
      const response = await admin.call(action, args, { path });
      stats.cases++;
      const result = response.result as { ok?: boolean; code?: string } | undefined;
      const handled =
        response.status < 500 &&
        ((result?.ok === false && result.code !== "unexpected") ||
          sample.isValidationResult?.(response.result) === true);
      if (!handled) {
        stats.unhandled++;
        if (totals.examples.length < 10)
          totals.examples.push(
            `${actionKey(action)} (${broken}): ${response.status} ${JSON.stringify(result)?.slice(0, 160) ?? response.raw.slice(0, 400)}`,
          );
      }
    }
    const after = await countRows(db);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      stats.writes = Object.keys(after).reduce((n, t) => n + Math.abs((after[t] ?? 0) - (before[t] ?? 0)), 0);
    }
    totals.byAction[actionKey(action)] = stats;
    totals.cases += stats.cases;
    totals.unhandled += stats.unhandled;
    totals.writes += stats.writes;
  }
  return totals;
}
