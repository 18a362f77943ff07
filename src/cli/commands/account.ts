// `strongdoc account show|set|register`: the organization's account (admin only), and registering
// a new organization with its first administrator (no login needed).
import type { Command } from "commander";
import { account } from "../../index";
import { formatDate, renderTable } from "../format";
import { report } from "../output";
import { readPassword } from "../password";
import { registerOrganization } from "../register-org";
import { commandGroup } from "../groups";
import { requireToken } from "../token-store";

/**
 * Adds the `account` command group to the program.
 *
 * @example
 * ```sh
 * strongdoc account register --org acme --org-email info@acme.test --admin-name Alice --admin-email alice@acme.test
 * strongdoc account show
 * strongdoc account set --email billing@acme.test --address "1 Main St"
 * ```
 */
export function registerAccountCommands(program: Command): void {
  const acct = commandGroup(program, "account", "show or change the organization's account; register a new one");

  acct
    .command("show")
    .description("show the organization's account (admin only)")
    .action(async (_opts: unknown, cmd: Command) => {
      const info = await account.getAccountInfo(await requireToken());
      report(cmd, info, () => [
        `org:                ${info.orgId}`,
        `email:              ${info.orgEmail}`,
        `address:            ${info.orgAddress || "-"}`,
        `subscription:       ${info.subscription?.type ?? "-"} (${info.subscription?.status ?? "-"})`,
        `multilevel sharing: ${info.multilevelSharing ? "on" : "off"}`,
        `sharable orgs:      ${info.sharableOrgs.length > 0 ? info.sharableOrgs.join(", ") : "-"}`,
        "",
        renderTable(
          ["BILLED", "PERIOD START", "PERIOD END", "AMOUNT", "STATUS"],
          info.payments.map((p) => [formatDate(p.billedAt), formatDate(p.periodStart), formatDate(p.periodEnd), p.amount, p.status]),
        ),
      ]);
    });

  acct
    .command("set")
    .description("change the organization's email and/or address (admin only)")
    .option("--email <orgEmail>", "new organization email")
    .option("--address <orgAddress>", "new organization address")
    .action(async (opts: { email?: string; address?: string }, cmd: Command) => {
      if (opts.email === undefined && opts.address === undefined) {
        cmd.error("give --email and/or --address", { exitCode: 2, code: "strongdoc.usage" });
      }
      const token = await requireToken();
      let { email, address } = opts;
      if (email === undefined || address === undefined) {
        const current = await account.getAccountInfo(token);
        email ??= current.orgEmail;
        address ??= current.orgAddress;
      }
      const success = await account.setAccountInfo(token, email, address);
      report(cmd, { success, orgEmail: email, orgAddress: address }, () => `account updated: ${email}, ${address || "-"}`);
    });

  acct
    .command("register")
    .description("register a new organization and its first administrator (no login needed)")
    .requiredOption("--org <orgName>", "organization name (it becomes the org ID)")
    .requiredOption("--org-email <email>", "organization contact email")
    .requiredOption("--admin-name <name>", "administrator's display name")
    .requiredOption("--admin-email <email>", "administrator's email (it becomes the user ID)")
    .option("--address <orgAddr>", "organization postal address", "")
    .addHelpText("after", "\nThe administrator's password is read like `login`'s. The subscription source is \"Test Active\".")
    .action(
      async (
        opts: { org: string; orgEmail: string; adminName: string; adminEmail: string; address: string },
        cmd: Command,
      ) => {
        const password = await readPassword(`Password for ${opts.adminEmail}: `);
        const ids = await registerOrganization({
          orgName: opts.org,
          orgEmail: opts.orgEmail,
          orgAddr: opts.address,
          adminName: opts.adminName,
          password,
          adminEmail: opts.adminEmail,
        });
        report(cmd, ids, () => [
          `registered organization ${ids.orgId} with administrator ${ids.userId}`,
          `next: strongdoc login --org ${ids.orgId} --user ${ids.userId}`,
        ]);
      },
    );
}
