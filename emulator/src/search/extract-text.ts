// Decides what text of a document goes into the search index, by looking at the bytes (never at
// the name): PDF, HTML/XML, JSON, and UTF-8 (or BOM-marked UTF-16) text such as CSV and Markdown.
// Anything else is binary: it is stored, but not indexed.

import { htmlToText, looksLikeHtml } from "./html-text";
import { isPdf, pdfToText } from "./pdf-text";

/**
 * The indexable text of a document, detected by content:
 *
 * - **PDF** (`%PDF-` header): the text of every page, including text inside Flate-compressed
 *   content streams. A PDF that cannot be parsed is treated as below (a damaged PDF is binary).
 * - **HTML / XML** (starts with markup): tags, comments, `<script>`/`<style>` bodies removed,
 *   character references decoded.
 * - **JSON** (parses as JSON): every key and every string, number and boolean value, one per line.
 * - **Plain text, Markdown, CSV** and other text: as is. Text must be valid UTF-8 (a UTF-8 BOM is
 *   dropped) or UTF-16 with a BOM.
 * - **Anything else** — invalid UTF-8, NUL bytes, or more than 1% control characters (images,
 *   archives, Office files, …) — is binary: `null`, and the document is not indexed.
 *
 * An empty document yields `""`.
 *
 * @example
 * ```ts
 * await extractText(Buffer.from("<p>Bed &amp; mounts</p>")); // " Bed & mounts "
 * await extractText(Buffer.from([0x89, 0x50, 0x4e, 0x47]));   // null (a PNG header)
 * ```
 */
export async function extractText(content: Buffer): Promise<string | null> {
  if (isPdf(content)) {
    const pdfText = await pdfToText(content);
    if (pdfText !== null) return pdfText;
    // Not a parseable PDF: maybe text that mentions "%PDF-"; a damaged PDF is binary below.
  }
  const text = decodeText(content);
  if (text === null) return null;
  if (looksLikeHtml(text)) return htmlToText(text);
  return jsonToText(text) ?? text;
}

/** Decodes text bytes (ignoring a character cut off at the end), or returns `null` for binary content. */
export function decodeText(content: Buffer): string | null {
  let text: string;
  // `stream: true` without a final flush: a character cut off at the very end (the server may
  // hand over only a prefix of a large document) is dropped instead of failing the whole text.
  try {
    if (content[0] === 0xff && content[1] === 0xfe) {
      text = new TextDecoder("utf-16le", { fatal: true }).decode(content.subarray(2), { stream: true });
    } else if (content[0] === 0xfe && content[1] === 0xff) {
      text = new TextDecoder("utf-16be", { fatal: true }).decode(content.subarray(2), { stream: true });
    } else {
      text = new TextDecoder("utf-8", { fatal: true }).decode(content, { stream: true }); // drops a UTF-8 BOM
    }
  } catch {
    return null;
  }
  return looksBinary(text) ? null : text;
}

/** True when decoded text holds a NUL or more than 1% C0 control characters other than whitespace. */
function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) controls++;
  }
  return controls > text.length / 100;
}

/** The keys and scalar values of a JSON document, one per line; `null` if the text is not JSON. */
function jsonToText(text: string): string | null {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const lines: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (typeof v === "object") {
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      } else {
        const entries = Object.entries(v as Record<string, unknown>);
        for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i][1], entries[i][0]);
      }
    } else {
      lines.push(String(v));
    }
  }
  return lines.join("\n");
}
