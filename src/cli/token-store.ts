// Where the CLI keeps the login token between runs: a small JSON file readable only by its owner
// (mode 0600, directory 0700), or the STRONGDOC_TOKEN environment variable, which takes precedence.
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, ExitCode } from "./exit-codes";

/** What `strongdoc login` saves: the token and who it belongs to. */
export interface SavedLogin {
  /** The bearer token returned by Login. */
  readonly token: string;
  /** The user the token was issued to. */
  readonly userId: string;
  /** The organization the token was issued for. */
  readonly orgId: string;
  /** When the token was saved (ISO 8601). */
  readonly savedAt: string;
}

/**
 * The token file path: `$STRONGDOC_TOKEN_FILE`, else `$XDG_CONFIG_HOME/strongdoc/token.json`,
 * else `~/.config/strongdoc/token.json`.
 *
 * @example
 * ```ts
 * tokenFilePath({ STRONGDOC_TOKEN_FILE: "/tmp/t.json" }); // "/tmp/t.json"
 * ```
 */
export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRONGDOC_TOKEN_FILE) return env.STRONGDOC_TOKEN_FILE;
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "strongdoc", "token.json");
}

/**
 * Reads the saved login, or `undefined` when there is none (a malformed file counts as none).
 *
 * @example
 * ```ts
 * const saved = await readSavedLogin();
 * ```
 */
export async function readSavedLogin(path = tokenFilePath()): Promise<SavedLogin | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const value = JSON.parse(text) as Partial<SavedLogin>;
    if (typeof value.token !== "string" || value.token === "") return undefined;
    return {
      token: value.token,
      userId: String(value.userId ?? ""),
      orgId: String(value.orgId ?? ""),
      savedAt: String(value.savedAt ?? ""),
    };
  } catch {
    return undefined;
  }
}

/**
 * Saves a login atomically with owner-only permissions (file 0600 in a 0700 directory).
 *
 * @example
 * ```ts
 * await saveLogin({ token, userId, orgId, savedAt: new Date().toISOString() });
 * ```
 */
export async function saveLogin(login: SavedLogin, path = tokenFilePath()): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return path;
}

/**
 * Deletes the saved login; returns whether there was one.
 *
 * @example
 * ```ts
 * await clearSavedLogin();
 * ```
 */
export async function clearSavedLogin(path = tokenFilePath()): Promise<boolean> {
  const existed = (await readSavedLogin(path)) !== undefined;
  await rm(path, { force: true });
  return existed;
}

/**
 * The token to call the service with: `$STRONGDOC_TOKEN`, else the saved login. Throws a
 * {@link CliError} with {@link ExitCode.Auth} when there is neither.
 *
 * @example
 * ```ts
 * const token = await requireToken();
 * ```
 */
export async function requireToken(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.STRONGDOC_TOKEN) return env.STRONGDOC_TOKEN;
  const saved = await readSavedLogin(tokenFilePath(env));
  if (!saved) {
    throw new CliError("not logged in: run `strongdoc login` or set STRONGDOC_TOKEN", ExitCode.Auth);
  }
  return saved.token;
}
