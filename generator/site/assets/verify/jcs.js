// RFC 8785 JSON Canonicalization Scheme (JCS), and a JSON parser that refuses what JCS cannot represent.
//
// The same bytes as generator/crypto/jcs.py (rfc8785): object keys sorted by UTF-16 code units, numbers in
// ECMAScript Number-to-String form, strings with the minimal JSON escapes, no whitespace. Values JCS cannot
// represent (lone surrogates, NaN/Infinity, integers beyond ±(2**53 − 1) in the source text) are errors, as
// they are in Python, so the page never computes a hash the registry could not have computed.

export class JcsError extends Error {}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` is well-formed Unicode: no lone surrogate. */
export function wellFormed(text) {
  return typeof text.isWellFormed === "function" ? text.isWellFormed() : !LONE_SURROGATE.test(text);
}

function quote(text) {
  if (!wellFormed(text)) throw new JcsError("a string contains a lone surrogate (not valid Unicode)");
  // JSON.stringify escapes exactly ", \, U+0000–U+001F (\b \t \n \f \r, else lowercase \u00xx): RFC 8785 3.2.2.2.
  return JSON.stringify(text);
}

function serialize(value, out, depth) {
  if (depth > 1000) throw new JcsError("nested too deeply");
  if (value === null) {
    out.push("null");
  } else if (value === true) {
    out.push("true");
  } else if (value === false) {
    out.push("false");
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new JcsError("NaN and Infinity are not JSON numbers");
    out.push(String(value)); // ECMAScript Number::toString, which RFC 8785 3.2.2.3 adopts; -0 becomes "0"
  } else if (typeof value === "string") {
    out.push(quote(value));
  } else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i) out.push(",");
      serialize(item, out, depth + 1);
    });
    out.push("]");
  } else if (typeof value === "object") {
    // Array.prototype.sort without a comparator orders strings by UTF-16 code units: RFC 8785 3.2.3.
    const keys = Object.keys(value).sort();
    out.push("{");
    keys.forEach((key, i) => {
      if (i) out.push(",");
      out.push(quote(key), ":");
      serialize(value[key], out, depth + 1);
    });
    out.push("}");
  } else {
    throw new JcsError(`${typeof value} is not a JSON value`);
  }
}

/** The canonical JSON text of a value (a string; hash its UTF-8 bytes). */
export function canonicalize(value) {
  const out = [];
  serialize(value, out, 0);
  return out.join("");
}

/** The canonical UTF-8 bytes of a value. */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}

/**
 * An independent copy of a value parseJSON gave (or one made of such values), for the page to reassemble an award
 * in. A copy of the value, not a new reading of text: JSON.stringify writes the float 1e16 as the integer
 * 10000000000000000, which parseJSON refuses as beyond 2**53, so an award Python reads and hashes (its float a
 * float, generator/publish/verifydata.py rebuild) was an error on the page. What parseJSON refuses in text (a key
 * written twice, a lone surrogate, such an integer) it refused when the value was read.
 */
export function jsonCopy(value) {
  return JSON.parse(JSON.stringify(value));
}

/**
 * A value as readable JSON text (JSON.stringify's, indented by two spaces), that every reader reads as this value:
 * the page's download of an award it found by hash (verify.js awardText; generator/awards.py render_award writes the
 * registry's). JSON.stringify writes a float such as 1e16 as the integer 10000000000000000, which parseJSON, credreg
 * and RFC 8785 refuse as beyond 2**53: the page's copy of a valid award was a file no reader read. Such a number is
 * written in exponent form here (1e+16, as Python writes it): the same value, hashed alike.
 */
export function jsonText(value) {
  const out = [];
  const write = (item, pad) => {
    if (typeof item === "number") {
      const unsafe = Number.isInteger(item) && !Number.isSafeInteger(item) && Math.abs(item) < 1e21;
      out.push(unsafe ? item.toExponential() : JSON.stringify(item));
    } else if (item === null || typeof item !== "object") {
      out.push(JSON.stringify(item));
    } else {
      const inner = `${pad}  `;
      const array = Array.isArray(item);
      const keys = array ? item.map((_, i) => i) : Object.keys(item).filter((k) => item[k] !== undefined);
      if (keys.length === 0) {
        out.push(array ? "[]" : "{}");
        return;
      }
      out.push(array ? "[" : "{");
      keys.forEach((key, i) => {
        out.push(i ? ",\n" : "\n", inner);
        if (!array) out.push(JSON.stringify(key), ": ");
        write(item[key], inner);
      });
      out.push("\n", pad, array ? "]" : "}");
    }
  };
  write(value, "");
  return out.join("");
}

// In valid JSON text: each string whole (so that digits in one are skipped; unrolled, as verifier.js STRUCTURE), or
// an integer literal of 16 digits or more (2**53 has 16): not a fraction's or an exponent's digits, no "." or
// exponent after it.
const LONG_INTEGERS = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The first integer literal of a valid JSON text beyond ±(2**53 − 1), or null. */
function unsafeInteger(text) {
  for (const [token] of text.matchAll(LONG_INTEGERS)) {
    if (token[0] === '"') continue;
    const n = BigInt(token);
    if (n > MAX_SAFE || n < -MAX_SAFE) return token;
  }
  return null;
}

/**
 * JSON.parse, refusing integer literals JavaScript cannot hold exactly: Python keeps them and its JCS then
 * rejects them, while here they would silently round and hash differently. Found in the text itself, in every
 * engine: the reviver's source text (Chromium 114+) is missing in others (Node 20), which read 9007199254740993
 * as …992 and hashed a value Python never could.
 */
export function parseJSON(text) {
  const value = JSON.parse(text, function reviver(key, value, context) {
    if (typeof value === "number" && !Number.isFinite(value)) {
      // JSON.parse reads 1E400 as Infinity; Python's reader (generator/_internal/source.py _finite_float) refuses it.
      const source = context && typeof context.source === "string" ? context.source : String(value);
      const shown = source.length <= 24 ? source : `${source.slice(0, 20)}…`;
      throw new JcsError(`number too large (${shown} is beyond ±1.8e308)`);
    }
    return value;
  });
  const unsafe = /\d{16}/.test(text) ? unsafeInteger(text) : null;
  if (unsafe !== null) throw new JcsError(`the integer ${unsafe} is too large for JSON canonicalization (RFC 8785)`);
  // JSON.parse keeps the last of two equal keys, where Python's strict reader refuses the text: one reading only.
  const twice = firstDuplicateKey(text);
  if (twice !== null) throw new JcsError(`the key ${JSON.stringify(twice)} appears twice in one object`);
  // JSON.parse reads "\ud800" as a lone surrogate, which Python's strict reader (generator/_internal/source.py
  // parse_json) refuses: a file credreg verify cannot read is not one the page verifies either.
  if (!wellFormed(text) || (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(value)))
    throw new JcsError("a string holds a lone UTF-16 surrogate");
  return value;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** Whether a string of `value` (a key or a value) is not well-formed Unicode. */
function holdsLoneSurrogate(value) {
  const stack = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === "string") {
      if (!wellFormed(item)) return true;
    } else if (Array.isArray(item)) {
      for (const member of item) stack.push(member); // (not a spread: a long array would exceed its arguments)
    } else if (item !== null && typeof item === "object") {
      for (const [key, member] of Object.entries(item)) {
        if (!wellFormed(key)) return true;
        stack.push(member);
      }
    }
  }
  return false;
}

/** The first key written twice in one object of a (valid) JSON text, or null. */
function firstDuplicateKey(text) {
  const open = []; // per open container: the keys seen (an object) or null (an array)
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const keys = open[open.length - 1];
      if (keyNext && keys) {
        const key = JSON.parse(text.slice(i, j + 1));
        if (keys.has(key)) return key;
        keys.add(key);
      }
      keyNext = false;
      i = j;
    } else if (c === "{") {
      open.push(new Set());
      keyNext = true;
    } else if (c === "[") {
      open.push(null);
    } else if (c === "}" || c === "]") {
      open.pop();
    } else if (c === ",") {
      keyNext = open[open.length - 1] instanceof Set;
    }
  }
  return null;
}
