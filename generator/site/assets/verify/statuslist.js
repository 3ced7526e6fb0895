// W3C Bitstring Status List: "u" + base64url(gzip(bits)); index 0 is the most significant bit of byte 0.
// The browser's copy of generator/statuslist.py, rule for rule (tests/site/test_values_js.py holds them equal):
// the size limits (a gzip bomb must not exhaust the tab), the one canonical GZIP framing, the URL of a list and
// the spelling of a statusListIndex.

import { base64UrlDecode, crc32, decompressBounded, EncodingError } from "./encoding.js";

export const MIN_BITS = 131072;
export const MAX_BITS = 8 * 16 * 1024 * 1024;
export const MAX_LIST_NUMBER = 65535;

const INDEX = /^(?:0|[1-9][0-9]{0,9})$/;
const LIST_NUMBER = /^[1-9][0-9]{0,4}$/;
const ISSUER = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class StatusListError extends Error {}

// generator/statuslist.py NOT_BASE64URL, NOT_DEFLATE: the registry's words, never the decoder's (which differ
// between engines), so that credreg verify and the page word a refused list alike.
export const NOT_BASE64URL = "encodedList is not canonical base64url after its 'u' (no padding, no other character)";
export const NOT_DEFLATE = "encodedList cannot be decoded: its compressed data is corrupt or cut short";

/** Whether a credential is a status list (generator/openbadges.py STATUS_LIST_TYPES): what a file is, for the
 * page's words; it is verified as what it claims to be either way. */
export function isStatusList(document) {
  const types = document !== null && typeof document === "object" ? document.type : null;
  return Array.isArray(types) && types.includes("BitstringStatusListCredential");
}

/** A statusListIndex (a canonical base-10 string below MAX_BITS), or null. */
export function parseIndex(value) {
  if (typeof value !== "string" || !INDEX.test(value)) return null;
  const index = Number(value);
  return index < MAX_BITS ? index : null;
}

/** A list number as written in a URL (1 … MAX_LIST_NUMBER), or null. */
export function parseListNumber(text) {
  if (!LIST_NUMBER.test(text)) return null;
  const number = Number(text);
  return number <= MAX_LIST_NUMBER ? number : null;
}

/** [issuer, number] of a status list URL of the site at `siteUrl` (ending in "/"), or null. */
export function parseListUrl(siteUrl, url, folder = "issuers") {
  const prefix = `${siteUrl}${folder}/`;
  if (typeof url !== "string" || !url.startsWith(prefix) || !url.endsWith(".json")) return null;
  const path = url.slice(prefix.length, -".json".length);
  const at = path.indexOf("/status/");
  if (at < 0) return null;
  const issuer = path.slice(0, at);
  if (!ISSUER.test(issuer) || issuer === "." || issuer === "..") return null;
  const number = parseListNumber(path.slice(at + "/status/".length));
  return number === null ? null : [issuer, number];
}

/** Raw DEFLATE → bytes, at most `limit` of them; throws StatusListError. */
async function inflate(bytes, limit) {
  let out;
  try {
    out = await decompressBounded(bytes, "deflate-raw", limit);
  } catch {
    throw new StatusListError(NOT_DEFLATE);
  }
  if (out === null) throw new StatusListError("encodedList decodes to more than the allowed size");
  return out;
}

/**
 * One GZIP member with no optional header fields, nothing after it (generator/statuslist.py decode_list).
 * DecompressionStream("gzip") reads concatenated members and may ignore trailing bytes, so the framing is read
 * here: the DEFLATE data must end exactly where the 8-byte trailer begins, which holds when the data without
 * its last byte no longer decodes (a DEFLATE stream's last byte always carries some of its bits).
 */
async function gunzipCanonical(data) {
  if (data.length < 18 || data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 8 || data[3] !== 0) {
    throw new StatusListError("encodedList is not one plain GZIP member (no optional header fields)");
  }
  const body = data.subarray(10, data.length - 8);
  const bits = await inflate(body, MAX_BITS / 8);
  let shorter = true;
  try {
    await inflate(body.subarray(0, body.length - 1), MAX_BITS / 8);
  } catch (error) {
    if (!(error instanceof StatusListError)) throw error;
    shorter = false;
  }
  if (shorter) throw new StatusListError("encodedList has bytes after its GZIP member");
  const view = new DataView(data.buffer, data.byteOffset + data.length - 8, 8);
  if (view.getUint32(0, true) !== crc32(bits) || view.getUint32(4, true) !== bits.length >>> 0) {
    throw new StatusListError("encodedList cannot be decoded: the GZIP checksum or size does not match");
  }
  return bits;
}

/** The bitstring of an encodedList. */
export async function decodeList(encoded) {
  if (typeof encoded !== "string" || !encoded.startsWith("u")) {
    throw new StatusListError("encodedList is not multibase base64url (it must start with 'u')");
  }
  let compressed;
  try {
    compressed = base64UrlDecode(encoded.slice(1));
  } catch (error) {
    if (error instanceof EncodingError) throw new StatusListError(NOT_BASE64URL);
    throw error;
  }
  const bits = await gunzipCanonical(compressed);
  if (bits.length * 8 < MIN_BITS) {
    throw new StatusListError(`encodedList has ${bits.length * 8} entries; the minimum is ${MIN_BITS}`);
  }
  return bits;
}

/** Why `index` names no entry of the list (null when it does). */
export function indexProblem(index, bits) {
  const size = bits.length * 8;
  return Number.isInteger(index) && index >= 0 && index < size
    ? null
    : `status index ${index} is outside the list (${size} entries)`;
}

export function getBit(bits, index) {
  const problem = indexProblem(index, bits);
  if (problem) throw new StatusListError(problem);
  return (bits[Math.floor(index / 8)] & (0x80 >> (index % 8))) !== 0;
}
