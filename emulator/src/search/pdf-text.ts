// PDF text extraction for the search index, through unpdf (a serverless build of Mozilla's pdf.js):
// it decodes compressed content streams and font encodings, which a raw-bytes index never could.

/** Imports unpdf (ESM-first, so it is loaded lazily with `import()` from our CommonJS output). */
const importUnpdf = () => import("unpdf");
type Unpdf = Awaited<ReturnType<typeof importUnpdf>>;

let unpdf: Promise<Unpdf> | undefined;

/** Loads unpdf once per process. */
function loadUnpdf(): Promise<Unpdf> {
  unpdf ??= importUnpdf();
  return unpdf;
}

/** Is this a PDF file? The `%PDF-` header may follow up to 1 KiB of junk (PDF 1.7, §7.5.2). */
export function isPdf(content: Buffer): boolean {
  return content.subarray(0, 1024).indexOf("%PDF-", 0, "latin1") >= 0;
}

/**
 * The text of every page of a PDF, pages separated by newlines, or `null` when the file cannot
 * be parsed (damaged, encrypted with a user password, or not really a PDF).
 *
 * @example
 * ```ts
 * const text = await pdfToText(fs.readFileSync("BedMounts.pdf")); // "… Bed Mounts …"
 * ```
 */
export async function pdfToText(content: Buffer): Promise<string | null> {
  const { getDocumentProxy, extractText } = await loadUnpdf();
  let doc: Awaited<ReturnType<Unpdf["getDocumentProxy"]>> | undefined;
  try {
    // pdf.js may detach the buffer it is given, so hand it a copy.
    doc = await getDocumentProxy(new Uint8Array(content), { verbosity: 0, isEvalSupported: false });
    const { text } = await extractText(doc, { mergePages: false });
    return text.join("\n");
  } catch {
    return null;
  } finally {
    await doc?.destroy().catch(() => undefined);
  }
}
