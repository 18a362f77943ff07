// Tests for content-based text extraction: PDF (compressed streams), HTML, JSON, CSV, Markdown,
// UTF-16, and binary content that must not be indexed.

import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { describe, it } from "node:test";
import { extractText } from "../src/search/extract-text";
import { decodeEntities, htmlToText } from "../src/search/html-text";
import { makePdf } from "./search-fixtures";

const words = (s: string | null) => (s ?? "").split(/\s+/).filter(Boolean).join(" ");

describe("extractText", () => {
  it("reads PDF text drawn inside Flate-compressed content streams, on every page", async () => {
    const pdf = makePdf([["Printer Guide", "BED MOUNTS and Bed Mounts"], ["Page two speaks of calibration"]]);
    assert.equal(pdf.includes("MOUNTS"), false, "the words must not be in the raw bytes");
    const text = await extractText(pdf);
    assert.match(text!, /BED MOUNTS/);
    assert.match(text!, /Bed\s*Mounts/);
    assert.match(text!, /calibration/);
  });

  it("parses concurrent PDFs (one worker thread, queued) and gives each its own text", async () => {
    const names = ["alpha", "bravo", "charlie", "delta", "echo"];
    const texts = await Promise.all(names.map((n) => extractText(makePdf([[`document ${n}`]]))));
    texts.forEach((t, i) => assert.match(t!, new RegExp(`document ${names[i]}`)));
  });

  it("returns null for a damaged PDF", async () => {
    const pdf = makePdf([["hello"]]);
    assert.equal(await extractText(pdf.subarray(0, 200)), null);
  });

  it("reads text that merely mentions a PDF header as text", async () => {
    const text = "Every PDF starts with %PDF-1.7 and a binary comment line.";
    assert.equal(await extractText(Buffer.from(text)), text);
  });

  it("strips HTML tags, comments, scripts and styles and decodes entities", async () => {
    const html = `<!DOCTYPE html><html><head><title>Caf&eacute; menu</title>
      <style>body { color: red } .secretstyle {}</style>
      <script type="text/javascript">var secretscript = "<b>x</b>";</script></head>
      <body><!-- hiddencomment --><p class="a>b" data-x='it"s'>Cr&#232;me&nbsp;br&#xFB;l&eacute;e &amp; tea</p>
      <div>one<br>two</div></body></html>`;
    const text = words(await extractText(Buffer.from(html)));
    assert.match(text, /Café menu/);
    assert.match(text, /Crème brûlée & tea/);
    assert.match(text, /one two/);
    for (const hidden of ["secretstyle", "secretscript", "hiddencomment", "class", "DOCTYPE", "b\""]) {
      assert.equal(text.includes(hidden), false, `${hidden} must be stripped`);
    }
  });

  it("treats an unclosed script as running to the end, in linear time", () => {
    assert.equal(words(htmlToText("<p>visible</p><script>" + "<script>".repeat(50_000))), "visible");
  });

  it("keeps XML CDATA text", async () => {
    const xml = '<?xml version="1.0"?><note><body><![CDATA[a > b & c]]></body><to>Tove</to></note>';
    assert.equal(words(await extractText(Buffer.from(xml))), "a > b & c Tove");
  });

  it("decodes numeric and named references and leaves unknown ones", () => {
    assert.equal(decodeEntities("&lt;a&gt; &#65;&#x42; &bogus; &#0; &amp"), "<a> AB &bogus; &#0; &amp");
  });

  it("indexes JSON keys and values, not escapes", async () => {
    const json = JSON.stringify({ title: "Caf\u00e9", tags: ["alpha", "beta"], nested: { count: 42, ok: true } });
    const text = await extractText(Buffer.from(json.replace("é", "\\u00e9")));
    assert.deepEqual(text!.split("\n"), ["title", "Café", "tags", "alpha", "beta", "nested", "count", "42", "ok", "true"]);
  });

  it("keeps CSV, Markdown and plain UTF-8 text as is (BOM dropped)", async () => {
    const csv = "name,city\nZoë,Zürich\n";
    assert.equal(await extractText(Buffer.from(csv)), csv);
    const md = "# Title\n\n* item with `code` and [link](http://x)\n";
    assert.equal(await extractText(Buffer.from(md)), md);
    assert.equal(await extractText(Buffer.from("\ufeffhello")), "hello");
    assert.equal(await extractText(Buffer.from("{not json")), "{not json");
  });

  it("reads a prefix of a document cut in the middle of a character", async () => {
    const text = Buffer.from("naïve café €");
    assert.equal(await extractText(text.subarray(0, text.length - 1)), "naïve café ");
    assert.equal(await extractText(Buffer.from([0x61, 0xe2, 0x28, 0xa1, 0x62])), null, "invalid inside is still binary");
  });

  it("reads UTF-16 text with a BOM", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("grüße", "utf16le")]);
    assert.equal(await extractText(le), "grüße");
  });

  it("returns null for binary content", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    assert.equal(await extractText(png), null);
    assert.equal(await extractText(deflateSync(Buffer.from("some compressed text"))), null);
    assert.equal(await extractText(Buffer.from("text with a \0 NUL")), null);
    assert.equal(await extractText(Buffer.from("\x01\x02\x03\x04 mostly control")), null);
  });

  it("returns empty text for an empty document", async () => {
    assert.equal(await extractText(Buffer.alloc(0)), "");
  });
});
