// How the demo talks to its reader: numbered step lines on stdout and the final summary table.
import { formatBytes, renderTable } from "../format";

/** Measured throughput of one phase. */
export interface PhaseStats {
  /** Documents moved. */
  readonly docs: number;
  /** Bytes moved (plaintext). */
  readonly bytes: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/** Everything the summary table shows. */
export interface DemoStats {
  /** Bulk upload of the corpus. */
  readonly upload: PhaseStats;
  /** The second user's download of the shared document. */
  readonly download: PhaseStats;
  /** encryptDocumentStream of the largest file. */
  readonly encrypt: PhaseStats;
  /** decryptDocumentStream of its ciphertext. */
  readonly decrypt: PhaseStats;
  /** Latency of each search, in milliseconds. */
  readonly searchMs: readonly number[];
}

/**
 * Prints the demo's numbered steps: `[3/9] upload      259 documents…` and indented detail lines.
 *
 * @example
 * ```ts
 * const out = new StepPrinter(9);
 * out.step("emulator", "listening on 127.0.0.1:40123");
 * out.detail("a detail line");
 * ```
 */
export class StepPrinter {
  private current = 0;

  /** @param total - how many steps the demo has. */
  constructor(private readonly total: number) {}

  /** Starts the next step with a title and a one-line summary. */
  step(title: string, summary: string): void {
    this.current += 1;
    const counter = `[${this.current}/${this.total}]`.padEnd(`[${this.total}/${this.total}]`.length);
    process.stdout.write(`${counter} ${title.padEnd(11)} ${summary}\n`);
  }

  /** Prints a detail line under the current step. */
  detail(text: string): void {
    process.stdout.write(`${" ".repeat(`[${this.total}/${this.total}]`.length + 13)}${text}\n`);
  }
}

/** Throughput in MB/s (10^6 bytes), or 0 when nothing was timed. */
export function mbPerSecond(bytes: number, seconds: number): number {
  return seconds > 0 ? bytes / 1e6 / seconds : 0;
}

/** The value at quantile `q` (0..1) of a list of numbers. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Renders the final summary: one row per phase (documents, bytes, seconds, MB/s) and the search
 * latency.
 *
 * @example
 * ```ts
 * console.log(renderSummary(stats, totalSeconds));
 * ```
 */
export function renderSummary(stats: DemoStats, totalSeconds: number): string {
  const row = (name: string, p: PhaseStats) => [
    name,
    p.docs,
    formatBytes(p.bytes),
    p.seconds.toFixed(3),
    mbPerSecond(p.bytes, p.seconds).toFixed(2),
  ];
  const table = renderTable(
    ["PHASE", "DOCUMENTS", "BYTES", "SECONDS", "MB/S"],
    [row("upload", stats.upload), row("download", stats.download), row("encrypt", stats.encrypt), row("decrypt", stats.decrypt)],
  );
  const s = stats.searchMs;
  const latency =
    `search latency: ${s.length} queries, median ${quantile(s, 0.5).toFixed(1)} ms, ` +
    `max ${Math.max(0, ...s).toFixed(1)} ms`;
  return `Summary\n${table}\n${latency}\ntotal: ${totalSeconds.toFixed(1)} s`;
}
