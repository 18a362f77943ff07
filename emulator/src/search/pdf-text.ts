// PDF text extraction for the search index, through unpdf (a serverless build of Mozilla's pdf.js):
// it decodes compressed content streams and font encodings, which a raw-bytes index never could.
// Parsing runs in one worker thread, with a time and memory limit per PDF.

import { Worker } from "node:worker_threads";

/**
 * The worker's code (plain CommonJS, run with `eval`, so it needs no separate file and no
 * TypeScript loader): parses one PDF per message with unpdf's CommonJS build and replies
 * `{ id, text }`, `text` being `null` when the PDF cannot be parsed.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { getDocumentProxy, extractText } = require(workerData.unpdfPath);
parentPort.on("message", async ({ id, data }) => {
  let text = null;
  let doc;
  try {
    doc = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false });
    text = (await extractText(doc, { mergePages: false })).text.join("\\n");
  } catch {
    text = null;
  } finally {
    if (doc) await doc.destroy().catch(() => undefined);
  }
  parentPort.postMessage({ id, text });
});
`;

/** A reply from the worker. */
interface PdfReply {
  id: number;
  text: string | null;
}

/** Longest time one PDF may take to parse; past it the PDF is not indexed. */
export const PDF_TIMEOUT_MS = 20_000;

/** Heap limit of the PDF worker; a PDF that needs more is not indexed. */
export const PDF_WORKER_HEAP_MB = 512;

/** Is this a PDF file? The `%PDF-` header may follow up to 1 KiB of junk (PDF 1.7, §7.5.2). */
export function isPdf(content: Buffer): boolean {
  return content.subarray(0, 1024).indexOf("%PDF-", 0, "latin1") >= 0;
}

/**
 * The text of every page of a PDF, pages separated by newlines, or `null` when the file cannot
 * be parsed (damaged, encrypted with a user password, not really a PDF, or over the time or
 * memory limit).
 *
 * @example
 * ```ts
 * const text = await pdfToText(fs.readFileSync("BedMounts.pdf")); // "… Bed Mounts …"
 * ```
 */
export function pdfToText(content: Buffer): Promise<string | null> {
  return pool.run(content);
}

/** One lazily started worker running one job at a time; restarted after a timeout or crash. */
class PdfWorkerPool {
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;

  run(content: Buffer): Promise<string | null> {
    const result = this.queue.then(() => this.runNow(content));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private runNow(content: Buffer): Promise<string | null> {
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise<string | null>((resolve) => {
      const done = (text: string | null, broken: boolean) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onFailure);
        worker.off("exit", onFailure);
        if (broken) this.stop(worker);
        else worker.unref(); // idle: never keep the process alive
        resolve(text);
      };
      const onMessage = (reply: PdfReply) => reply.id === id && done(reply.text, false);
      const onFailure = () => done(null, true);
      const timer = setTimeout(onFailure, PDF_TIMEOUT_MS);
      worker.on("message", onMessage);
      worker.once("error", onFailure);
      worker.once("exit", onFailure);
      worker.ref(); // busy: keep the process alive until the answer arrives
      const data = new Uint8Array(content); // a copy, transferred to the worker
      worker.postMessage({ id, data }, [data.buffer]);
    });
  }

  private start(): Worker {
    if (!this.worker) {
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { unpdfPath: require.resolve("unpdf") },
        resourceLimits: { maxOldGenerationSizeMb: PDF_WORKER_HEAP_MB },
      });
      this.worker.on("error", () => undefined); // reported to the job waiting on it
      this.worker.unref();
    }
    return this.worker;
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate().catch(() => undefined);
  }
}

const pool = new PdfWorkerPool();
