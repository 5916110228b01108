import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * PGlite has no locking between processes: two processes on one data directory silently
 * diverge and lose writes. A lock file beside the directory, holding the owner's pid, makes
 * the second opener fail loudly instead. A lock left by a dead process is taken over.
 */
export function acquireDirectoryLock(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  mkdirSync(path.dirname(dir), { recursive: true });
  const lockFile = `${dir}.lock`;

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => rmSync(lockFile, { force: true });
      process.once("exit", release);
      return () => {
        process.removeListener("exit", release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
      if (owner === process.pid) return () => {};
      if (Number.isInteger(owner) && isAlive(owner)) {
        throw new Error(
          `The embedded database directory ${dir} is already in use by another process (pid ${owner}). ` +
            `PGlite cannot be shared between processes: stop the other process, or set PGLITE_DIR ` +
            `to another directory, or use PostgreSQL through DATABASE_URL.`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database directory ${dir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
