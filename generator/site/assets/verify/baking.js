// Baked badge images (Open Badges 3.0, "Baking"): the award carried inside its badge's PNG or SVG, built here in
// the browser (nothing is stored per award) and read back when a baked image is dropped on the page. The rules
// are generator/baking.py's: PNG, one uncompressed iTXt chunk with the keyword "openbadgecredential" (and the
// keyword in no other text chunk nor after IEND); SVG, one openbadges:credential element (namespace
// https://purl.imsglobal.org/ob/v3p0) with the JSON in CDATA.

import { crc32 } from "./encoding.js";

export const OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0";
const KEYWORD = "openbadgecredential";
// baking.py's _S and _PREFIX, character for character: XML's whitespace (space, tab, CR, LF; not \s, which has
// more, U+1680 a name character to XML), and XML's name characters (ASCII letters, digits, "_", ".", "-" and every
// non-ASCII character: a decoy under the prefix "obé" was taken first by XML-reading tools and missed here).
const S = "[ \\t\\r\\n]";
const PREFIX = "[^\\x00-\\x2c/:-@\\[-\\^`{-\\x7f]+";
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class BakingError extends Error {}

export function isPng(bytes) {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

// What baking.py's _looks_like_svg strips, byte for byte, before the first "<": the byte-order mark's bytes and
// XML's own whitespace (not JavaScript's \s, which holds more, so the page read images credreg does not).
const LEADING = [0xef, 0xbb, 0xbf, 0x20, 0x09, 0x0d, 0x0a];

export function isSvg(bytes) {
  const head = bytes.subarray(0, 4096);
  let at = 0;
  while (at < head.length && LEADING.includes(head[at])) at += 1;
  if (head[at] !== 0x3c) return false;
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 65536)).includes("<svg");
}

function* chunks(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new BakingError(`the PNG is cut short at byte ${at}`);
    const length = view.getUint32(at);
    const kind = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > bytes.length) throw new BakingError(`the PNG's ${kind} chunk at byte ${at} is cut short`);
    const typed = bytes.subarray(at + 4, at + 8 + length);
    if (crc32(typed) !== view.getUint32(at + 8 + length)) {
      throw new BakingError(`the PNG's ${kind} chunk at byte ${at} is damaged (its CRC fails)`);
    }
    yield { kind, at, end, body: bytes.subarray(at + 8, at + 8 + length) };
    if (kind === "IEND") return;
    at = end;
  }
}

function isCredentialChunk(chunk, kinds = ["iTXt"]) {
  if (!kinds.includes(chunk.kind)) return false;
  // The keyword runs to the first NUL, or to the end of a chunk that has none (then malformed, and refused, as
  // baking.py refuses it: not skipped in favour of another chunk).
  const zero = chunk.body.indexOf(0);
  const end = zero < 0 ? chunk.body.length : zero;
  return end === KEYWORD.length && String.fromCharCode(...chunk.body.subarray(0, end)) === KEYWORD;
}

/** `png` with `json` baked in (replacing any credential baked before), as a new Uint8Array. */
export function bakePng(png, json) {
  if (!isPng(png)) throw new BakingError("not a PNG image");
  const text = new TextEncoder().encode(json);
  const keyword = new TextEncoder().encode(KEYWORD);
  // keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, text
  const body = new Uint8Array(keyword.length + 5 + text.length);
  body.set(keyword, 0);
  body.set(text, keyword.length + 5);
  const chunk = new Uint8Array(12 + body.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, body.length);
  chunk.set(new TextEncoder().encode("iTXt"), 4);
  chunk.set(body, 8);
  view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
  const parts = [png.subarray(0, 8)];
  let sawEnd = false;
  for (const c of chunks(png)) {
    if (isCredentialChunk(c)) continue;
    if (c.kind === "IEND") {
      parts.push(chunk);
      sawEnd = true;
    }
    parts.push(png.subarray(c.at, c.end));
  }
  if (!sawEnd) throw new BakingError("the PNG has no IEND chunk");
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `svg` (text) with `json` baked in, right after the root element's start tag. */
export function bakeSvg(svg, json) {
  if (json.includes("]]>")) throw new BakingError("the credential contains ']]>', which CDATA cannot hold");
  // Read as extractBaked reads it: a credential already there in any spelling (the default namespace's, a
  // prefix written with references), or the prefix taken by another namespace, would make the image one that
  // credreg verify and this page refuse.
  checkXmlText(svg); // an encoding or version these readers refuse, or a NUL
  const { credentials, bound } = svgCredentials(svg);
  const ours = credentials.some(([prefix]) => bound.get(prefix)?.has(OB3_NAMESPACE));
  if (ours || new RegExp(`<${PREFIX}:credential[\\s>]`).test(svg)) {
    throw new BakingError("the SVG already has a baked credential");
  }
  if ([...(bound.get("openbadges") ?? [])].some((ns) => ns !== OB3_NAMESPACE)) {
    throw new BakingError("the SVG binds the prefix openbadges to another namespace");
  }
  const root = /<svg\b[^>]*>/.exec(svg);
  if (!root) throw new BakingError("not an SVG image");
  let tag = root[0];
  if (!/\sxmlns:openbadges\s*=/.test(tag)) {
    tag = tag.replace(/^<svg\b/, `<svg xmlns:openbadges="${OB3_NAMESPACE}"`);
  }
  const element = `<openbadges:credential><![CDATA[${json}]]></openbadges:credential>`;
  return svg.slice(0, root.index) + tag + element + svg.slice(root.index + root[0].length);
}

// The SVG is read by one pass over its markup (baking.py's _svg_credentials, rule for rule): linear time, where a
// regular expression over the whole document retried a lazy CDATA match from every opening tag (quadratic on a
// small crafted file). What XML reads as no element is skipped whole, so that the page finds the elements an XML
// parser (and so every Open Badges tool reading SVG as XML) finds: comments, CDATA sections, processing
// instructions ("<?" to "?>") and a DOCTYPE; a DOCTYPE with an internal subset (entities) is refused. A tag runs
// from "<" to the next ">" outside a quoted attribute value. The credential is "<PREFIX:credential" (optionally
// whitespace and attributes) ">" (not "/>"), optional whitespace, one CDATA section (ending at its first "]]>")
// holding the JSON, optional whitespace, "</PREFIX:credential" optional whitespace ">"; PREFIX must be bound to
// OB 3.0 by an xmlns:PREFIX attribute of some tag, and to no other namespace by any tag. An unprefixed
// "<credential" has the default namespace (xmlns="…") for its prefix (bound to none, "", unless the root element
// declares it), and a namespace is compared with its character references decoded, as XML does: every credential
// element whose prefix is bound to OB 3.0 counts.
// "/": an empty element; no prefix: the default namespace's
const OPEN_TAG = new RegExp(`^(?:(${PREFIX}):)?credential(?:${S}[\\s\\S]*|/)?$`);
// An attribute starts after whitespace ("data-xmlns=" is not a declaration); no prefix: the default namespace.
// Any other quoted value is matched (and passed over) whole: "xmlns=…" inside a value declares nothing to XML.
const DECLARATION = new RegExp(
  `(?<=${S})xmlns(?::(${PREFIX}))?${S}*=${S}*(?:"([^"]*)"|'([^']*)')|"[^"]*"|'[^']*'`,
  "g",
);
// Any reference in an attribute value (baking.py's _ANY_REFERENCE): one not XML's own names an entity, which
// expat skips after a DOCTYPE with an external subset; a namespace holding one is refused.
const ANY_REFERENCE = /&[^;&]*;?/g;
// baking.py's _XML_DECLARATION and _PSEUDO_ATTRIBUTE: UTF-8 XML 1.0 only.
const XML_DECLARATION = new RegExp(`^<\\?xml${S}[^>]*?\\?>`);
const PSEUDO_ATTRIBUTE = new RegExp(`(version|encoding)${S}*=${S}*(?:"([^"]*)"|'([^']*)')`, "g");
// XML's references in an attribute value (baking.py's _REFERENCE): character references and the five entities.
const REFERENCE = /&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));/g;
const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

// An xmlns attribute's value as XML reads it (baking.py's _namespace).
function namespace(value) {
  if (!value.includes("&")) return value;
  for (const [ref] of value.matchAll(ANY_REFERENCE)) {
    if (!new RegExp(`^${REFERENCE.source}$`).test(ref)) {
      throw new BakingError(
        `the SVG declares a namespace with the entity reference '${ref.slice(0, 40)}', which XML readers resolve ` +
          "differently (or skip)",
      );
    }
  }
  return value.replace(REFERENCE, (whole, decimal, hex, name) => {
    if (name) return ENTITIES[name];
    const digits = (decimal ?? hex).replace(/^0+/, "") || "0";
    if (digits.length > 7) return whole; // past Unicode (baking.py: int() refuses 4,300 digits)
    const code = parseInt(digits, decimal ? 10 : 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
const TAG_TEXT = /[^>"']*/y; // up to the tag's end or a quoted value
const DOCTYPE_TEXT = /[^>"'[]*/y; // up to the DOCTYPE's end, a literal or its internal subset
const CDATA = "<![CDATA[";
const CDATA_END = "]]>";
const COMMENT = "<!--";
const COMMENT_END = "-->";
const PI = "<?";
const PI_END = "?>";
const DOCTYPE = "<!DOCTYPE";

function skipSpace(text, at) {
  const space = new RegExp(`${S}*`, "y");
  space.lastIndex = at;
  space.exec(text);
  return space.lastIndex;
}

// baking.py's _unquoted: where the first character `part` stops at lies outside quotes; -1 when none does.
function unquoted(text, at, part) {
  for (;;) {
    part.lastIndex = at;
    part.exec(text);
    at = part.lastIndex;
    if (at >= text.length) return -1;
    if (text[at] !== '"' && text[at] !== "'") return at;
    const close = text.indexOf(text[at], at + 1);
    if (close < 0) return -1;
    at = close + 1;
  }
}

/** Each [prefix, json|null] credential element of `text`, in order ("" for an unprefixed one), the set of
 * namespaces each prefix is bound to by some tag ("" the default namespace), and why the markup is no XML (its
 * tags do not nest into one root, or something is not closed), or null (baking.py's _svg_credentials). */
export function svgCredentials(text) {
  const credentials = [];
  const bound = new Map();
  let rooted = false; // whether the root element's tag has been read
  // baking.py's opened and in_scope: the prefixes each open element binds, and how many open elements bind each
  // (a prefixed credential element outside every element binding its prefix is no XML).
  const opened = [];
  const inScope = new Map();
  const closeElement = (prefixes) => prefixes.forEach((p) => inScope.set(p, inScope.get(p) - 1));
  let ended = false; // whether the root element is closed
  let broken = null; // the first reason the markup is no XML (that these readers see)
  let at = 0;
  let lt;
  while ((lt = text.indexOf("<", at)) >= 0) {
    if (text.startsWith(DOCTYPE, lt)) {
      const end = unquoted(text, lt + DOCTYPE.length, DOCTYPE_TEXT);
      if (end < 0) {
        broken ??= "a DOCTYPE is not closed";
        break;
      }
      if (text[end] === "[") {
        throw new BakingError(
          "the SVG has a DOCTYPE with declarations (an internal subset): its entities could hold markup that a " +
            "baked credential's reader does not follow",
        );
      }
      at = end + 1;
      continue;
    }
    if (text.startsWith("<!", lt) || text.startsWith(PI, lt)) {
      at = lt + 2; // another declaration (not XML outside a DOCTYPE): its text is read as markup
      for (const [start, stop] of [[COMMENT, COMMENT_END], [CDATA, CDATA_END], [PI, PI_END]]) {
        if (text.startsWith(start, lt)) {
          const close = text.indexOf(stop, lt + start.length);
          at = close < 0 ? text.length : close + stop.length;
          if (close < 0) broken ??= `a ${start}…${stop} is not closed`;
          break;
        }
      }
      continue;
    }
    const gt = unquoted(text, lt + 1, TAG_TEXT);
    if (gt < 0) {
      broken ??= `the tag at offset ${lt} is not closed`;
      break;
    }
    at = gt + 1;
    const tag = text.slice(lt + 1, gt);
    if (tag.includes("<")) broken ??= `a '<' in the tag at offset ${lt}`; // XML has none, in a value neither
    let declaresDefault = false;
    const own = new Set(); // the prefixes this tag binds
    if (tag.includes("xmlns")) {
      for (const m of tag.matchAll(DECLARATION)) {
        if (m[2] === undefined && m[3] === undefined) continue; // another attribute's value
        const prefix = m[1] ?? "";
        if (!bound.has(prefix)) bound.set(prefix, new Set());
        bound.get(prefix).add(namespace(m[2] ?? m[3]));
        declaresDefault ||= prefix === "";
        own.add(prefix);
      }
    }
    if (tag.startsWith("/")) {
      if (!opened.length) broken ??= `the end tag at offset ${lt} closes no element`;
      closeElement(opened.pop() ?? []); // an end tag closes the innermost open element
      ended ||= !opened.length;
    } else {
      if (ended) broken ??= `a second root element at offset ${lt}`;
      if (!tag.endsWith("/")) {
        opened.push(own); // a start tag opens one (an empty-element tag opens none)
        own.forEach((p) => inScope.set(p, (inScope.get(p) ?? 0) + 1));
      }
      ended = !opened.length;
    }
    if (!rooted) {
      rooted = true;
      // An unprefixed element outside every xmlns="…" is in no namespace: the default is bound to "" too.
      if (!declaresDefault) {
        if (!bound.has("")) bound.set("", new Set());
        bound.get("").add("");
      }
    }
    const opening = tag.includes("credential") ? OPEN_TAG.exec(tag) : null;
    if (!opening) continue;
    const prefix = opening[1] ?? "";
    if (prefix && !own.has(prefix) && !inScope.get(prefix)) {
      throw new BakingError(
        `the SVG uses the prefix '${prefix}' of a credential element outside the elements that bind it ` +
          `(xmlns:${prefix}), which XML readers refuse`,
      );
    }
    // As baking.py: every credential element counts (json null when it is not one CDATA section, or is an
    // empty-element tag, whose following text is its parent's).
    let json = null;
    const cdata = skipSpace(text, gt + 1);
    if (!tag.endsWith("/") && text.startsWith(CDATA, cdata)) {
      const close = text.indexOf(CDATA_END, cdata + CDATA.length);
      if (close < 0) {
        credentials.push([prefix, null]);
        broken ??= `a ${CDATA}…${CDATA_END} is not closed`;
        break;
      }
      const endTag = prefix ? `</${prefix}:credential` : "</credential";
      let after = skipSpace(text, close + CDATA_END.length);
      if (text.startsWith(endTag, after)) {
        after = skipSpace(text, after + endTag.length);
        if (text.startsWith(">", after)) {
          // XML reads CR LF and a lone CR as LF, in CDATA too
          json = text.slice(cdata + CDATA.length, close).replace(/\r\n?/g, "\n");
          at = after + 1;
          closeElement(opened.pop()); // its end tag is read: the element is closed
          ended = !opened.length;
        }
      } // else the scan goes on after the opening tag, skipping the CDATA section whole
    }
    credentials.push([prefix, json]);
  }
  if (opened.length) broken ??= "an element is not closed";
  return { credentials, bound, broken };
}

// baking.py's _check_xml_text: UTF-8 XML 1.0, or refused (a NUL: UTF-16 whose characters can hide a UTF-8 SVG).
function checkXmlText(text) {
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    throw new BakingError(
      `the SVG has a NUL character at offset ${nul}: not UTF-8 XML (UTF-16?), which XML readers and this one ` +
        "would read differently",
    );
  }
  const declaration = XML_DECLARATION.exec(text.startsWith("\ufeff") ? text.slice(1) : text);
  for (const m of (declaration ? declaration[0] : "").matchAll(PSEUDO_ATTRIBUTE)) {
    const value = m[2] ?? m[3];
    if (m[1] === "encoding" && value.toLowerCase() !== "utf-8") {
      throw new BakingError(`the SVG declares the encoding '${value}'; a baked SVG is read as UTF-8 only`);
    }
    if (m[1] === "version" && value !== "1.0") {
      throw new BakingError(`the SVG declares the XML version '${value}'; a baked SVG is read as XML 1.0 only`);
    }
  }
}

// The bytes as they are, as baking.py decodes them: TextDecoder would otherwise drop a byte-order mark, and the page
// verify a credential whose text `credreg verify` refuses as JSON.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The credential JSON baked into a PNG or SVG (bytes); null when the bytes are not an image. */
export function extractBaked(bytes) {
  if (isPng(bytes)) {
    const all = [...chunks(bytes)];
    // As baking.py: the keyword in a tEXt or zTXt chunk, or after IEND, is a credential another tool may read.
    const other = all.find((c) => isCredentialChunk(c, ["tEXt", "zTXt"]));
    if (other) throw new BakingError(`the PNG has a ${other.kind} chunk 'openbadgecredential' at byte ${other.at}`);
    const last = all[all.length - 1];
    if (last && last.kind === "IEND" && new TextDecoder("latin1").decode(bytes.subarray(last.end)).includes(KEYWORD)) {
      throw new BakingError("the PNG has 'openbadgecredential' after its end (IEND)");
    }
    const found = all.filter((c) => isCredentialChunk(c));
    if (!found.length) throw new BakingError("the PNG has no baked credential (no iTXt chunk 'openbadgecredential')");
    if (found.length > 1) throw new BakingError("the PNG has more than one baked credential");
    const rest = found[0].body.subarray(KEYWORD.length + 1);
    if (rest.length < 2 || rest[0] !== 0) throw new BakingError("the PNG's baked credential is compressed or malformed");
    let at = 2;
    const language = rest.indexOf(0, at);
    const translated = language < 0 ? -1 : rest.indexOf(0, language + 1);
    if (translated < 0) throw new BakingError("the PNG's baked credential chunk is malformed");
    return UTF8.decode(rest.subarray(translated + 1));
  }
  if (isSvg(bytes)) {
    const text = UTF8.decode(bytes);
    checkXmlText(text);
    const { credentials, bound, broken } = svgCredentials(text);
    const found = credentials.filter(([prefix]) => bound.get(prefix)?.has(OB3_NAMESPACE));
    if (found.length > 1) throw new BakingError("the SVG has more than one baked credential (credential element)");
    if (found.length && found[0][1] !== null && bound.get(found[0][0]).size !== 1) {
      throw new BakingError(
        "the SVG has no baked credential that can be told for sure: its credential element's " +
          (found[0][0] ? `prefix '${found[0][0]}'` : "default namespace") +
          " is bound to another namespace too, and which one it has depends on the element it is in",
      );
    }
    if (!found.length || found[0][1] === null) throw new BakingError("the SVG has no baked credential");
    // XML readers refuse it whole: none finds this credential
    if (broken) throw new BakingError(`the SVG is not well-formed XML (${broken}), which XML readers refuse`);
    return found[0][1];
  }
  return null;
}
