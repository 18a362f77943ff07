// Turns an HTML (or XML) document into its visible text for the search index: a linear scanner
// that drops tags, comments, <script> and <style> bodies, then decodes character references.

/** Elements whose content is never visible text. */
const HIDDEN_ELEMENTS = ["script", "style", "template"];

/** Named character references decoded by {@link decodeEntities}: the HTML 4 set. */
const NAMED_ENTITIES: Record<string, number> = buildEntityTable();

function buildEntityTable(): Record<string, number> {
  const table: Record<string, number> = {
    amp: 38, lt: 60, gt: 62, quot: 34, apos: 39,
    OElig: 338, oelig: 339, Scaron: 352, scaron: 353, Yuml: 376, fnof: 402, circ: 710, tilde: 732,
    ensp: 8194, emsp: 8195, thinsp: 8201, zwnj: 8204, zwj: 8205, lrm: 8206, rlm: 8207,
    ndash: 8211, mdash: 8212, lsquo: 8216, rsquo: 8217, sbquo: 8218, ldquo: 8220, rdquo: 8221,
    bdquo: 8222, dagger: 8224, Dagger: 8225, bull: 8226, hellip: 8230, permil: 8240, prime: 8242,
    Prime: 8243, lsaquo: 8249, rsaquo: 8250, oline: 8254, frasl: 8260, euro: 8364, trade: 8482,
    larr: 8592, uarr: 8593, rarr: 8594, darr: 8595, harr: 8596, minus: 8722, times: 215, divide: 247,
  };
  // Latin-1 supplement, U+00A0..U+00FF, in code-point order.
  const latin1 =
    "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn " +
    "sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave " +
    "Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml " +
    "ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN " +
    "szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute " +
    "icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml " +
    "yacute thorn yuml";
  latin1.split(" ").forEach((name, i) => (table[name] = 0xa0 + i));
  return table;
}

/**
 * Decodes HTML character references: numeric (`&#233;`, `&#xE9;`) and the HTML 4 named set
 * (`&eacute;`, `&nbsp;`, …). Unknown names and invalid code points are left as written.
 *
 * @example
 * ```ts
 * decodeEntities("caf&eacute; &amp; cr&#232;me"); // "café & crème"
 * ```
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,7});/g, (whole, ref: string) => {
    let code: number | undefined;
    if (ref[0] === "#") {
      code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    } else {
      code = NAMED_ENTITIES[ref];
    }
    if (code === undefined || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
    return String.fromCodePoint(code);
  });
}

/** Does the text look like markup (starts with a tag, doctype, comment or XML declaration)? */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096).trimStart();
  if (!head.startsWith("<")) return false;
  return /^<(!doctype|!--|\?xml|[A-Za-z][\w:-]*[\s/>])/i.test(head) && /<\/?[A-Za-z][\w:-]*[^<]*>/.test(head);
}

/**
 * The visible text of an HTML document: tags, comments, doctype and the bodies of `<script>`,
 * `<style>` and `<template>` removed, CDATA sections kept as text (each tag becomes a space so words never run together),
 * character references decoded. Linear in the input size, whatever the markup.
 *
 * @example
 * ```ts
 * htmlToText("<p>Bed <b>mounts</b></p><script>var x</script>"); // " Bed  mounts  " (whitespace aside)
 * ```
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    if (lower.startsWith("<![cdata[", lt)) {
      const end = html.indexOf("]]>", lt + 9);
      out.push(" ", html.slice(lt + 9, end < 0 ? html.length : end), " ");
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    i = skipMarkup(html, lower, lt);
    out.push(" ");
  }
  return decodeEntities(out.join(""));
}

/** Given `<` at `lt`, returns the index just past the markup that starts there. */
function skipMarkup(html: string, lower: string, lt: number): number {
  if (lower.startsWith("<!--", lt)) return endAfter(lower, "-->", lt + 4);
  const tag = /^<([a-z][\w:-]*)/.exec(lower.slice(lt, lt + 32));
  const tagEnd = endOfTag(html, lt + 1);
  if (tag && HIDDEN_ELEMENTS.includes(tag[1])) {
    const close = lower.indexOf(`</${tag[1]}`, tagEnd);
    return close < 0 ? html.length : endOfTag(html, close + 2);
  }
  if (!tag && !/^<[/!?]/.test(html.slice(lt, lt + 2))) return lt + 1; // a lone "<" is text
  return tagEnd;
}

/** Index just past the `>` closing a tag that starts before `from`, skipping quoted attribute values. */
function endOfTag(html: string, from: number): number {
  let quote = "";
  let afterEquals = false; // quotes only open an attribute value right after "="
  for (let j = from; j < html.length; j++) {
    const c = html[j];
    if (quote) {
      if (c === quote) quote = "";
    } else if ((c === '"' || c === "'") && afterEquals) {
      quote = c;
    } else if (c === ">") {
      return j + 1;
    }
    if (c === "=") afterEquals = true;
    else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") afterEquals = false;
  }
  return html.length;
}

function endAfter(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? text.length : at + marker.length;
}
