// `strongdoc login`, `logout` and `whoami`: obtaining, retiring and inspecting the cached token.
import type { Command } from "commander";
import { account, login as loginApi } from "../../index";
import { report } from "../output";
import { readPassword } from "../password";
import { clearSavedLogin, readSavedLogin, requireToken, saveLogin, tokenFilePath } from "../token-store";

/**
 * Adds `login`, `logout` and `whoami` to the program.
 *
 * @example
 * ```sh
 * strongdoc login --org acme --user alice@acme.test   # prompts for the password
 * strongdoc whoami --json
 * strongdoc logout
 * ```
 */
export function registerAuthCommands(program: Command): void {
  program
    .command("login")
    .description("log in and cache the token (file mode 0600)")
    .requiredOption("-o, --org <orgId>", "organization ID")
    .requiredOption("-u, --user <userId>", "user ID (the user's email)")
    .addHelpText(
      "after",
      "\nThe password comes from $STRONGDOC_PASSWORD, else a prompt on a terminal, else the first line of stdin.\n" +
        "The token is saved to $STRONGDOC_TOKEN_FILE or $XDG_CONFIG_HOME/strongdoc/token.json.",
    )
    .action(async (opts: { org: string; user: string }, cmd: Command) => {
      const password = await readPassword(`Password for ${opts.user}: `);
      const token = await loginApi.login(opts.user, password, opts.org);
      const path = await saveLogin({ token, userId: opts.user, orgId: opts.org, savedAt: new Date().toISOString() });
      report(cmd, { userId: opts.user, orgId: opts.org, tokenFile: path }, () => [
        `logged in as ${opts.user} in ${opts.org} (token saved to ${path})`,
      ]);
    });

  program
    .command("logout")
    .description("retire the token on the service and delete the cached copy")
    .action(async (_opts: unknown, cmd: Command) => {
      const token = await requireToken();
      const status = await loginApi.logout(token);
      const saved = await readSavedLogin();
      const removed = saved?.token === token ? await clearSavedLogin() : false;
      report(cmd, { status, tokenFileRemoved: removed }, () => [status || "logged out"]);
    });

  program
    .command("whoami")
    .description("show the logged-in user")
    .action(async (_opts: unknown, cmd: Command) => {
      const info = await account.getUserInfo(await requireToken());
      report(cmd, info, () => [
        `user:  ${info.userId}${info.isAdmin ? " (admin)" : ""}`,
        `name:  ${info.name}`,
        `email: ${info.email}`,
        `org:   ${info.orgId}`,
        `token: ${process.env.STRONGDOC_TOKEN ? "$STRONGDOC_TOKEN" : tokenFilePath()}`,
      ]);
    });
}
