// W3C Bitstring Status List: "u" + base64url(gzip(bits)); index 0 is the most significant bit of byte 0.
// Mirrors generator/statuslist.py, including its size limits (a gzip bomb must not exhaust the tab).

import { base64UrlDecode, EncodingError } from "./encoding.js";

export const MIN_BITS = 131072;
export const MAX_BITS = 8 * 16 * 1024 * 1024;

export class StatusListError extends Error {}

async function gunzip(bytes, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw new StatusListError("encodedList decodes to more than the allowed size");
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof StatusListError) throw error;
    throw new StatusListError(`encodedList cannot be decoded: ${error.message || error}`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
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
    if (error instanceof EncodingError) throw new StatusListError(`encodedList: ${error.message}`);
    throw error;
  }
  const bits = await gunzip(compressed, MAX_BITS / 8);
  if (bits.length * 8 < MIN_BITS) {
    throw new StatusListError(`encodedList has ${bits.length * 8} entries; the minimum is ${MIN_BITS}`);
  }
  return bits;
}

export function getBit(bits, index) {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new StatusListError(`status index ${index} is outside the list (${bits.length * 8} entries)`);
  }
  return (bits[Math.floor(index / 8)] & (0x80 >> (index % 8))) !== 0;
}
