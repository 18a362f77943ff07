// `strongdoc users list|register|remove|promote|demote`: managing the users of the organization.
import type { Command } from "commander";
import { account } from "../../index";
import { renderTable } from "../format";
import { report } from "../output";
import { readPassword } from "../password";
import { commandGroup } from "../groups";
import { requireToken } from "../token-store";

/**
 * Adds the `users` command group to the program.
 *
 * @example
 * ```sh
 * strongdoc users list
 * echo "$PW" | strongdoc users register "Bob" bob@acme.test --admin
 * strongdoc users promote bob@acme.test
 * ```
 */
export function registerUsersCommands(program: Command): void {
  const users = commandGroup(program, "users", "manage the users of your organization");

  users
    .command("list")
    .description("list the users of the organization (in registration order)")
    .action(async (_opts: unknown, cmd: Command) => {
      const list = await account.listUsers(await requireToken());
      report(cmd, list, () =>
        renderTable(
          ["USER ID", "NAME", "ADMIN"],
          list.map((u) => [u.userId, u.name ?? "", u.isAdmin ? "yes" : "no"]),
        ),
      );
    });

  users
    .command("register")
    .description("register a new user (admin only); their password is prompted for or read from stdin")
    .argument("<name>", "display name")
    .argument("<email>", "email, which becomes the user ID")
    .option("--admin", "make the user an administrator", false)
    .action(async (name: string, email: string, opts: { admin: boolean }, cmd: Command) => {
      const token = await requireToken();
      // Another person's password: never taken from $STRONGDOC_PASSWORD (that is the caller's own).
      const password = await readPassword(`Password for ${email}: `, false);
      const userId = await account.registerUser(token, name, password, email, opts.admin);
      report(cmd, { userId }, () => `registered ${userId}${opts.admin ? " (admin)" : ""}`);
    });

  users
    .command("remove")
    .description("remove a user from the organization (admin only)")
    .argument("<userId>", "the user to remove")
    .action(async (userId: string, _opts: unknown, cmd: Command) => {
      const count = await account.removeUser(await requireToken(), userId);
      report(cmd, { count }, () => `removed ${userId} (${count})`);
    });

  for (const [name, verb] of [
    ["promote", "make a user an administrator"],
    ["demote", "take administrator rights from a user (not the last admin)"],
  ] as const) {
    users
      .command(name)
      .description(`${verb} (admin only)`)
      .argument("<userId>", "the user")
      .action(async (userId: string, _opts: unknown, cmd: Command) => {
        const token = await requireToken();
        const success =
          name === "promote" ? await account.promoteUser(token, userId) : await account.demoteUser(token, userId);
        report(cmd, { success }, () => `${name}d ${userId}${success ? "" : " (no change)"}`);
      });
  }
}
