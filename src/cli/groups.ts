// Command groups (`users`, `docs`, `account`): a group run without a known subcommand fails with
// one usage line naming the subcommands, instead of commander's multi-line help on stderr.
import { Command, CommanderError } from "commander";

/**
 * Creates a command group under `parent`. Call it before adding the group's subcommands.
 *
 * @example
 * ```ts
 * const users = commandGroup(program, "users", "manage the users of your organization");
 * users.command("list").action(…);
 * ```
 */
export function commandGroup(parent: Command, name: string, description: string): Command {
  const group = parent.command(name).description(description);
  // No declared argument: commander's own usage line (`[options] [command]`) already names the
  // subcommand, and a declared one would show twice and add an "Arguments:" section to --help.
  // An unknown subcommand still reaches this action as the first operand.
  group.allowExcessArguments(true).action((_opts: unknown, cmd: Command) => {
    const sub = cmd.args[0];
    const names = group.commands.map((c) => c.name()).join(", ");
    const problem = sub === undefined ? "missing command" : `unknown command '${sub}'`;
    throw new CommanderError(2, "strongdoc.usage", `${problem} for '${name}' (one of: ${names})`);
  });
  return group;
}
