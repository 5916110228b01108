import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Calls the server actions of a running production build over HTTP, the way the browser does:
 * POST to a page that uses the action with a `Next-Action` header and the arguments encoded as
 * JSON. Actions are discovered from the build's server-reference manifest, so a new action is
 * known without being listed anywhere.
 */
export type ActionInfo = { id: string; file: string; name: string; pages: string[] };

export function loadActions(buildDir = path.join(process.cwd(), ".next")): ActionInfo[] {
  const manifest = JSON.parse(
    readFileSync(path.join(buildDir, "server", "server-reference-manifest.json"), "utf8"),
  ) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node)
    .map(([id, entry]) => ({ id, file: entry.filename, name: entry.exportedName, pages: Object.keys(entry.workers) }))
    .sort((a, b) => `${a.file}#${a.name}`.localeCompare(`${b.file}#${b.name}`));
}

/** `app/o/[slug]/admin/users/page` → `/o/<slug>/admin/users`. */
export function pagePath(page: string, params: Record<string, string>): string {
  const route = page.replace(/^app/, "").replace(/\/page$/, "") || "/";
  return route.replace(/\[([^\]]+)\]/g, (_, name: string) => encodeURIComponent(params[name] ?? name));
}

export type ActionResponse = {
  status: number;
  /** The action's return value (undefined when it redirected or failed at the HTTP level). */
  result: unknown;
  redirect: string | null;
  setCookies: string[];
  raw: string;
};

/**
 * Decodes the React Flight rows of an action response down to the returned value. Rows are
 * `id:json\n`, or `id:T<hex byte length>,<text>` for long strings (no newline after them).
 */
export function decodeFlight(body: string): unknown {
  const bytes = Buffer.from(body, "utf8");
  const rows = new Map<string, string>();
  let i = 0;
  while (i < bytes.length) {
    const colon = bytes.indexOf(0x3a, i);
    if (colon < 0) break;
    const id = bytes.subarray(i, colon).toString("utf8");
    if (bytes[colon + 1] === 0x54 /* T */) {
      const comma = bytes.indexOf(0x2c, colon);
      const length = Number.parseInt(bytes.subarray(colon + 2, comma).toString("utf8"), 16);
      rows.set(id, JSON.stringify(bytes.subarray(comma + 1, comma + 1 + length).toString("utf8")));
      i = comma + 1 + length;
    } else {
      const newline = bytes.indexOf(0x0a, colon);
      const end = newline < 0 ? bytes.length : newline;
      rows.set(id, bytes.subarray(colon + 1, end).toString("utf8"));
      i = end + 1;
    }
  }
  const resolve = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (value.startsWith("$@")) return parseRow(value.slice(2));
      if (value === "$undefined") return undefined;
      if (value.startsWith("$$")) return value.slice(1);
      if (/^\$[0-9a-f]+$/.test(value)) return parseRow(value.slice(1));
      return value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const parseRow = (id: string): unknown => {
    const row = rows.get(id);
    if (row === undefined) return undefined;
    try {
      return resolve(JSON.parse(row));
    } catch {
      return row;
    }
  };
  const root = parseRow("0") as { a?: unknown } | undefined;
  return root && typeof root === "object" && "a" in root ? root.a : root;
}

/** Arguments as React's encodeReply sends them: a string starting with `$` is escaped as `$$`. */
export function encodeArgs(args: unknown[]): string {
  return JSON.stringify(args, (_key, value: unknown) =>
    typeof value === "string" && value.startsWith("$") ? `$${value}` : value,
  );
}

export class ActionClient {
  private cookies = new Map<string, string>();
  private readonly byName: Map<string, ActionInfo>;

  constructor(
    readonly baseUrl: string,
    readonly actions: ActionInfo[] = loadActions(),
    readonly headers: Record<string, string> = {},
  ) {
    this.byName = new Map(actions.map((a) => [`${a.file}#${a.name}`, a]));
  }

  find(file: string, name: string): ActionInfo {
    const action = this.byName.get(`${file}#${name}`);
    if (!action) throw new Error(`no server action ${name} in ${file} (is the build current?)`);
    return action;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  clearCookies(): void {
    this.cookies.clear();
  }

  async call(
    action: ActionInfo,
    args: unknown[],
    options: { path?: string; headers?: Record<string, string> } = {},
  ): Promise<ActionResponse> {
    const response = await fetch(`${this.baseUrl}${options.path ?? "/"}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "next-action": action.id,
        accept: "text/x-component",
        "content-type": "text/plain;charset=UTF-8",
        origin: this.baseUrl,
        cookie: this.cookieHeader(),
        ...this.headers,
        ...options.headers,
      },
      body: encodeArgs(args),
    });
    const setCookies = response.headers.getSetCookie();
    for (const cookie of setCookies) {
      const [pair = ""] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const raw = await response.text();
    const redirectHeader = response.headers.get("x-action-redirect");
    return {
      status: response.status,
      result: response.headers.get("content-type")?.includes("text/x-component") ? decodeFlight(raw) : undefined,
      redirect: redirectHeader ? redirectHeader.split(";")[0]! : null,
      setCookies,
      raw,
    };
  }
}
