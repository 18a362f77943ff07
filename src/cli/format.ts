// Human-readable formatting shared by the CLI commands and the demo: byte sizes, quantities and
// costs, dates, aligned plain-text tables. (Machine-readable output is plain JSON; see output.ts.)

/**
 * Formats a byte count with a binary unit: `512 B`, `1.5 KiB`, `3.2 MiB`.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Formats a measured quantity (MB, MB-hours) for people: three significant digits, never an
 * exponent. Non-zero values below 0.001 show as `<0.001`; 1000 and above as whole numbers.
 * (JSON output keeps the full value.)
 *
 * @example
 * ```ts
 * formatAmount(9.723611831665039); // "9.72"
 * formatAmount(2.6519881354437934e-7); // "<0.001"
 * formatAmount(123456.7); // "123457"
 * ```
 */
export function formatAmount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const size = Math.abs(value);
  if (size < 0.001) return value < 0 ? ">-0.001" : "<0.001";
  if (size >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/**
 * Formats a cost with two decimals; a non-zero cost below 0.005 shows as `<0.01` rather than as
 * a misleading `0.00`. (JSON output keeps the full value.)
 *
 * @example
 * ```ts
 * formatCost(12.3456); // "12.35"
 * formatCost(0.0001); // "<0.01"
 * ```
 */
export function formatCost(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 0.005) return value < 0 ? ">-0.01" : "<0.01";
  return value.toFixed(2);
}

/**
 * Formats a date as ISO 8601 in UTC without milliseconds, or `-` when absent.
 *
 * @example
 * ```ts
 * formatDate(new Date(0)); // "1970-01-01T00:00:00Z"
 * ```
 */
export function formatDate(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return "-";
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Renders rows as a left-aligned plain-text table with a header and a rule under it. Columns of
 * numbers (or numeric strings such as "1.50" or "<0.001") are right-aligned.
 *
 * @example
 * ```ts
 * console.log(renderTable(["ID", "NAME"], [["a1", "notes.txt"]]));
 * ```
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? "").length)));
  const isNumber = (c: string | number | undefined) => typeof c === "number" || (typeof c === "string" && /^[<>]?-?\d[\d.,]*$/.test(c));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => isNumber(row[i])));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
