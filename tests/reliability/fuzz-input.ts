import type { Database } from "@/db/client";
import { pagePath, type ActionClient, type ActionInfo } from "../support/action-client";
import { countRows } from "../support/factories";
import type { World } from "./identities";
import { actionKey } from "./matrix";
import { samples } from "./samples";

/** Fields that hold a name or a message: C0 and C1 controls are refused there (a message keeps its newlines). */
const TEXT_FIELDS = new Set(["name", "organizationName", "personalMessage"]);
const NAME_CONTROLS = ["\u0001", "\u0007", "\u001b[31m", "\r\nBcc: victim@evil.test", "\u0085", "\u009b"];
const MESSAGE_CONTROLS = ["\u0001", "\u0007", "\u001b[31m", "\u0085", "\u009b"];
/** Over the server-actions body limit (1 MB by default) whatever it is set to within reason. */
const OVERSIZED_BYTES = 3 * 1024 * 1024;

type InputFuzzKind = "nul" | "control" | "oversized" | "query";
export type InputFuzzTotals = {
  cases: number;
  unhandled: number;
  writes: number;
  byKind: Record<InputFuzzKind, { cases: number; unhandled: number }>;
  examples: string[];
};

/** Every string leaf of a template with its path (`options.personalMessage`). */
function stringPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === "string") return [prefix];
  if (value && typeof value === "object" && !Array.isArray(value))
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}

function withValue(template: Record<string, unknown>, path: string[], value: string): Record<string, unknown> {
  const copy = structuredClone(template);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/**
 * Hostile input the generated fuzz does not reach on purpose: a NUL byte in every string field of
 * every action's well-formed input, C0/C1 controls in names and messages, a body over the size
 * limit to every action and route, and broken search parameters (NUL, controls, impossible audit
 * cursors and page numbers) on the pages that read them. Each answer must be a handled refusal
 * (a 4xx, 413 for the size, or an error result that is not "unexpected"; a page a 200 or 4xx),
 * and nothing may be written.
 */
export async function runInputFuzz(
  db: Database,
  world: World,
  actions: ActionInfo[],
  admin: ActionClient,
  baseUrl: string,
): Promise<InputFuzzTotals> {
  const totals: InputFuzzTotals = {
    cases: 0,
    unhandled: 0,
    writes: 0,
    byKind: {
      nul: { cases: 0, unhandled: 0 },
      control: { cases: 0, unhandled: 0 },
      oversized: { cases: 0, unhandled: 0 },
      query: { cases: 0, unhandled: 0 },
    },
    examples: [],
  };
  const note = (kind: InputFuzzKind, handled: boolean, example: () => string) => {
    totals.cases++;
    totals.byKind[kind].cases++;
    if (handled) return;
    totals.unhandled++;
    totals.byKind[kind].unhandled++;
    if (totals.examples.length < 10) totals.examples.push(`${kind}: ${example()}`);
  };
  const before = await countRows(db);
  const slug = world.target.org.slug;

  for (const action of actions) {
    const key = actionKey(action);
    const sample = samples[key];
    if (!sample?.fuzz) continue;
    const path = pagePath(action.pages[0] ?? "app/page", { slug });
    const send = (payload: unknown) =>
      admin.call(action, sample.kind === "org" ? [slug, payload] : [payload], { path });
    const handled = (response: Awaited<ReturnType<typeof send>>) => {
      const result = response.result as { ok?: boolean; code?: string } | undefined;
      return (
        response.status < 500 &&
        ((result?.ok === false && result.code !== "unexpected") ||
          sample.isValidationResult?.(response.result) === true)
      );
    };

    for (const field of stringPaths(sample.fuzz)) {
      const original = String(field.reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], sample.fuzz));
      const middle = Math.max(1, Math.floor(original.length / 2));
      const nul = original.slice(0, middle) + "\u0000" + original.slice(middle);
      const response = await send(withValue(sample.fuzz, field, nul));
      note(
        "nul",
        handled(response),
        () => `${key} ${field.join(".")}: ${response.status} ${JSON.stringify(response.result)?.slice(0, 160)}`,
      );

      const name = field.at(-1)!;
      if (!TEXT_FIELDS.has(name)) continue;
      for (const control of name === "personalMessage" ? MESSAGE_CONTROLS : NAME_CONTROLS) {
        const value = `${original || "Acme"}${control}tail`;
        const r = await send(withValue(sample.fuzz, field, value));
        note(
          "control",
          handled(r),
          () =>
            `${key} ${field.join(".")} ${JSON.stringify(control)}: ${r.status} ${JSON.stringify(r.result)?.slice(0, 160)}`,
        );
      }
    }

    const [first] = stringPaths(sample.fuzz);
    const huge = first
      ? withValue(sample.fuzz, first, "A".repeat(OVERSIZED_BYTES))
      : { padding: "A".repeat(OVERSIZED_BYTES) };
    const r = await send(huge).catch((error: unknown) => ({
      status: 0,
      result: String(error),
      raw: "",
      redirect: null,
      setCookies: [],
    }));
    // 413 is the answer wanted; any other handled refusal is clean too.
    note(
      "oversized",
      r.status === 413 || (r.status > 0 && handled(r)),
      () => `${key}: ${r.status} ${JSON.stringify(r.result)?.slice(0, 160)}`,
    );
  }

  // A route handler's body over the limit.
  {
    const response = await fetch(`${baseUrl}/o/${slug}/admin/users/invite/password-sheet`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: admin.cookieHeader(), origin: baseUrl, "content-type": "application/x-www-form-urlencoded" },
      body: `token=${"A".repeat(OVERSIZED_BYTES)}`,
    }).catch(() => null);
    const status = response?.status ?? 0;
    await response?.arrayBuffer().catch(() => undefined);
    note("oversized", status >= 400 && status < 500, () => `POST password-sheet: ${status}`);
  }

  const queries = [
    `/o/${slug}/admin/users?q=%00`,
    `/o/${slug}/admin/users?q=a%00b`,
    `/o/${slug}/admin/users?q=%01%1B%C2%85`,
    `/o/${slug}/admin/users?q=${"x".repeat(5_000)}`,
    `/o/${slug}/admin/users?page=-1`,
    `/o/${slug}/admin/users?page=abc`,
    `/o/${slug}/admin/users?page=1e999`,
    `/o/${slug}/admin/users?page=99999999999999999999`,
    `/o/${slug}/admin/users?page=%00`,
    `/o/${slug}/admin/users?sort=%00&status=%00&role=%00`,
    `/o/${slug}/admin/audit?before=garbage`,
    `/o/${slug}/admin/audit?after=garbage`,
    `/o/${slug}/admin/audit?before=%00`,
    `/o/${slug}/admin/audit?before=${encodeURIComponent(Buffer.from('{"t":"x","id":1}').toString("base64url"))}`,
    `/o/${slug}/admin/audit?before=eyJ9`,
    `/o/${slug}/admin/audit?after=9999-99-99T99:99:99Z`,
    `/o/${slug}/admin/audit?before=${"A".repeat(5_000)}`,
    `/o/${slug}/admin/audit?from=%00&to=2026-13-45&actor=%00&action=%00`,
    `/o/${slug}/admin/audit/export?before=garbage&actor=%00`,
    `/o/${slug}/admin/audit?from=0000-01-01&to=0000-12-31`,
    `/o/${slug}/admin/audit/export?from=0000-01-01`,
    `/o/%00`,
    `/o/%00/admin/users`,
    `/o/${slug}%00/admin/audit`,
    `/o/%C3%A9/admin/users`,
    `/sign-in?callbackUrl=%00`,
    `/invite?id=%00&key=%00`,
    `/invite/${world.invitation.id}?key=%00`,
    `/invite/%00?key=x`,
    `/reset-password/%00?key=%00`,
  ];
  for (const query of queries) {
    const response = await fetch(baseUrl + query, {
      redirect: "manual",
      headers: { cookie: admin.cookieHeader() },
    }).catch(() => null);
    const status = response?.status ?? 0;
    await response?.arrayBuffer().catch(() => undefined);
    note("query", status > 0 && status < 500, () => `GET ${query.slice(0, 120)}: ${status}`);
  }

  const after = await countRows(db);
  totals.writes = Object.keys(after).reduce((n, t) => n + Math.abs((after[t] ?? 0) - (before[t] ?? 0)), 0);
  return totals;
}
