// `strongdoc billing`: the billing period's costs and the large-traffic events (admins only).
import type { Command } from "commander";
import { billing } from "../../index";
import { formatDate, renderTable } from "../format";
import { report } from "../output";
import { parseDate } from "../parse";
import { requireToken } from "../token-store";

/**
 * Adds `billing` to the program.
 *
 * @example
 * ```sh
 * strongdoc billing
 * strongdoc billing --at 2026-11-15 --json
 * ```
 */
export function registerBillingCommand(program: Command): void {
  program
    .command("billing")
    .description("show the billing details and large-traffic events of a billing period (admin only)")
    .option("--at <date>", "a time inside the period (default: now)", parseDate)
    .action(async (opts: { at?: Date }, cmd: Command) => {
      const token = await requireToken();
      const [details, traffic] = await Promise.all([
        billing.getBillingDetails(token, opts.at),
        billing.getLargeTraffic(token, opts.at),
      ]);
      report(cmd, { details: details ?? null, largeTraffic: traffic ?? null }, () => {
        if (!details) return ["no billing period at that time"];
        const lines = [
          `period:     ${formatDate(details.periodStart)} .. ${formatDate(details.periodEnd)}`,
          `frequency:  ${details.billingFrequency?.frequency ?? "-"}`,
          `total cost: ${details.totalCost}`,
          "",
          renderTable(
            ["ITEM", "TIER", "COST", "USAGE"],
            [
              ["documents", details.documents?.tier ?? "-", details.documents?.cost ?? 0, `${details.documents?.size ?? 0} MB-hours`],
              ["search index", details.search?.tier ?? "-", details.search?.cost ?? 0, `${details.search?.size ?? 0} MB-hours`],
              ["traffic", details.traffic?.tier ?? "-", details.traffic?.cost ?? 0, `in ${details.traffic?.incoming ?? 0} MB, out ${details.traffic?.outgoing ?? 0} MB`],
            ],
          ),
          "",
        ];
        const events = traffic?.largeTrafficList ?? [];
        lines.push(`large traffic: ${events.length} event(s)`);
        if (events.length > 0) {
          lines.push(
            renderTable(
              ["TIME", "USER", "METHOD", "URI", "IN MB", "OUT MB"],
              events.map((e) => [formatDate(e.time), e.userId, e.method, e.uri, e.incoming, e.outgoing]),
            ),
          );
        }
        return lines;
      });
    });
}
