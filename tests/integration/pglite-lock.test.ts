import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "@/db/client";

const root = mkdtempSync(path.join(tmpdir(), "gatehouse-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("embedded database directory", () => {
  it("refuses a second process, naming the directory, and is free again once closed", async () => {
    const dir = path.join(root, "pglite");
    const handle = await openPglite(dir);
    const second = () =>
      spawnSync(path.join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "db/migrate-cli.ts"], {
        env: { ...process.env, PGLITE_DIR: dir, DATABASE_URL: "" },
        encoding: "utf8",
        timeout: 60_000,
      });

    const refused = second();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      `The embedded database directory ${dir} is already in use by another process (pid ${process.pid})`,
    );

    await handle.close();
    const allowed = second();
    expect(allowed.stderr).toBe("");
    expect(allowed.status).toBe(0);
  }, 120_000);
});
