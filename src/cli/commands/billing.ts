// `strongdoc billing`: the billing period's costs and the large-traffic events (admins only).
import type { Command } from "commander";
import { billing } from "../../index";
import { formatAmount, formatCost, formatDate, renderTable } from "../format";
import { report } from "../output";
import { parseDate } from "../parse";
import { requireToken } from "../token-store";

/** A cost for people (two decimals); absent counts as 0. */
const cost = (value: number | undefined) => formatCost(value ?? 0);
/** A size or traffic amount for people (three significant digits); absent counts as 0. */
const amount = (value: number | undefined) => formatAmount(value ?? 0);

/**
 * Adds `billing` to the program. People get rounded costs and amounts; `--json` the exact values.
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
          `total cost: ${formatCost(details.totalCost)}`,
          "",
          renderTable(
            ["ITEM", "TIER", "COST", "USAGE"],
            [
              ["documents", details.documents?.tier ?? "-", cost(details.documents?.cost), `${amount(details.documents?.size)} MB-hours`],
              ["search index", details.search?.tier ?? "-", cost(details.search?.cost), `${amount(details.search?.size)} MB-hours`],
              ["traffic", details.traffic?.tier ?? "-", cost(details.traffic?.cost), `in ${amount(details.traffic?.incoming)} MB, out ${amount(details.traffic?.outgoing)} MB`],
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
              events.map((e) => [formatDate(e.time), e.userId, e.method, e.uri, formatAmount(e.incoming), formatAmount(e.outgoing)]),
            ),
          );
        }
        return lines;
      });
    });
}
