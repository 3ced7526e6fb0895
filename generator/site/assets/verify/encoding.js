// Bytes and their text forms: hex, SHA-256 (WebCrypto), base58btc, base64url, Multikey Ed25519 public keys.
// Mirrors generator/crypto/multibase.py, including its refusals.

export class EncodingError extends Error {}

const utf8 = new TextEncoder();

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of a string (its UTF-8 bytes) or of bytes. */
export async function sha256(data) {
  const bytes = typeof data === "string" ? utf8.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sha256Hex(data) {
  return toHex(await sha256(data));
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B58_INDEX = new Map(Array.from(B58, (c, i) => [c, i]));

/** Bitcoin base58: every leading "1" is a leading zero byte. */
export function base58Decode(text) {
  if (typeof text !== "string") throw new EncodingError("base58btc value must be a string");
  let n = 0n;
  for (let i = 0; i < text.length; i += 1) {
    const digit = B58_INDEX.get(text[i]);
    if (digit === undefined)
      throw new EncodingError(`invalid base58btc character ${JSON.stringify(text[i])} at position ${i}`);
    n = n * 58n + BigInt(digit);
  }
  const body = [];
  while (n > 0n) {
    body.push(Number(n & 0xffn));
    n >>= 8n;
  }
  let zeros = 0;
  while (zeros < text.length && text[zeros] === "1") zeros += 1;
  return Uint8Array.from([...new Array(zeros).fill(0), ...body.reverse()]);
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** base64url without padding; refuses a value that is not the one canonical encoding of its bytes. */
export function base64UrlDecode(text) {
  if (typeof text !== "string" || !B64URL.test(text) || text.length % 4 === 1) {
    throw new EncodingError("invalid base64url (no padding) value");
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (base64UrlEncode(bytes) !== text) throw new EncodingError("non-canonical base64url value");
  return bytes;
}

export function base64UrlEncode(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The 32-byte key of an Ed25519 Multikey (``z6Mk…``: multicodec 0xed 0x01, then the key). */
export function decodeEd25519Public(multikey) {
  if (typeof multikey !== "string" || !multikey.startsWith("z")) {
    throw new EncodingError("an Ed25519 public key is a base58btc multibase value (z…)");
  }
  // multibase.py _decode_key's cap and words: 34 bytes are at most 47 characters, and base58 decoding (BigInt
  // arithmetic) is quadratic in the length, so a did:key of a megabyte would hold the page. Characters as Python
  // counts them (code points; .length counts UTF-16 units, which is never fewer).
  const length = multikey.length > 64 ? [...multikey].length : multikey.length;
  if (length > 64) throw new EncodingError(`not an Ed25519 public key: ${length} characters is far too long`);
  const bytes = base58Decode(multikey.slice(1));
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new EncodingError("not an Ed25519 public Multikey");
  }
  const problem = ed25519KeyProblem(bytes.slice(2));
  if (problem !== null) throw new EncodingError(`not an Ed25519 public key: ${problem}`);
  return bytes.slice(2);
}

// What libsodium refuses and WebCrypto accepts (generator/crypto/ed25519.py, the one statement of the rule): a
// small-order point as the key or as a signature's R (the identity key "verifies" R = identity, S = 0 for every
// message), a key encoded non-canonically, an S not below the group order.
const SMALL_ORDER = [
  "00".repeat(32),
  "01" + "00".repeat(31),
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "ec" + "ff".repeat(30) + "7f",
  "ed" + "ff".repeat(30) + "7f",
  "ee" + "ff".repeat(30) + "7f",
];
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const FIELD_PRIME = 2n ** 255n - 19n;

function littleEndian(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function smallOrder(point) {
  const unsigned = Uint8Array.from(point);
  unsigned[31] &= 0x7f;
  return SMALL_ORDER.includes(toHex(unsigned));
}

/** Why 32 bytes are not an Ed25519 public key libsodium verifies with, or null (ed25519.py public_key_problem). */
export function ed25519KeyProblem(publicKey) {
  if (smallOrder(publicKey))
    return "a small-order point, which no private key stands behind (any signature could match it)";
  if ((littleEndian(publicKey) & ((1n << 255n) - 1n)) >= FIELD_PRIME) return "a non-canonical encoding of a point";
  return null;
}

/** Why 64 bytes are not an Ed25519 signature libsodium checks, or null (ed25519.py signature_problem). */
export function ed25519SignatureProblem(signature) {
  if (littleEndian(signature.slice(32)) >= GROUP_ORDER)
    return "its S is not below the group order (a non-canonical signature)";
  if (smallOrder(signature.slice(0, 32))) return "its R is a small-order point";
  return null;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, as gzip and PNG use it) of a byte array. */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * `bytes` decompressed by a DecompressionStream `format` ("gzip", "deflate-raw"), or null as soon as the
 * output would pass `limit` bytes (a small file must not expand into the page's memory). Throws what the
 * stream throws on damaged input: callers say what in their own terms.
 */
export async function decompressBounded(bytes, format, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format)).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

// Python's urllib.parse.unquote (UTF-8, errors "replace"), which generator/openbadges.py parse_verification_link
// reads a link with: each run of ASCII characters has its %XX escapes (either case) made bytes and is decoded as
// UTF-8, a bad sequence as U+FFFD; a "%" without two hex digits stays as it is, and so does every other character.
// decodeURIComponent is all or nothing (one stray "%" and nothing is decoded) and refuses what Python replaces: a
// link credreg verify read was refused here, or read with another key. tests/site/test_verify_js.py holds the two
// equal.
const ASCII_RUN = /[\x00-\x7f]+/g;
const ESCAPE = /%([0-9A-Fa-f]{2})/y;
const RUN_UTF8 = new TextDecoder("utf-8", { ignoreBOM: true }); // a BOM decoded is kept, as Python keeps it

export function unquote(text) {
  if (!text.includes("%")) return text;
  return text.replace(ASCII_RUN, (run) => {
    if (!run.includes("%")) return run;
    const bytes = [];
    for (let at = 0; at < run.length; ) {
      ESCAPE.lastIndex = at;
      const escape = ESCAPE.exec(run);
      if (escape) {
        bytes.push(parseInt(escape[1], 16));
        at += 3;
      } else {
        bytes.push(run.charCodeAt(at));
        at += 1;
      }
    }
    return RUN_UTF8.decode(new Uint8Array(bytes));
  });
}
