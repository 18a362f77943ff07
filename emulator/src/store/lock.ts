// One emulator per data dir: a lock file holding the owner's pid. A second emulator on the same
// dir would delete the first one's in-flight uploads at start (they look like crash leftovers),
// so it is refused; a lock left by a process that no longer exists is taken over.
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";

/** File name of the lock inside the data dir. */
export const LOCK_FILE = "emulator.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the data dir's lock; returns a function that releases it. Throws if another live emulator holds it. */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(
          `data dir ${dataDir} is in use by another emulator (pid ${owner}); stop it or use another --data-dir ` +
            `(if no emulator is running, delete ${file})`,
        );
      }
      if (owner === process.pid) {
        throw new Error(`data dir ${dataDir} is already in use by an emulator in this process`);
      }
      unlinkSync(file); // stale: its owner is gone
    }
  }
  throw new Error(`cannot lock data dir ${dataDir}`);
}
