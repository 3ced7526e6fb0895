// The registry's public transparency log, checked in the browser: the award's RFC 9162 inclusion proof
// against the C2SP checkpoint (a signed note: Ed25519 via WebCrypto), the witnesses' cosignatures, and the
// consistency of the checkpoint with the largest cosigned one this browser saw before (kept in localStorage), so that a
// split view shown to a returning visitor is caught. Mirrors generator/tlog/*.py and
// generator/transparency/inclusion.py; tests/site/test_verify_tlog.py runs both on the same logs.

import { sha256, toHex } from "./encoding.js";
import { parseJSON } from "./jcs.js";
import { check, notChecked } from "./results.js";
import { DataError, fetchBounded, REVALIDATE, shardName } from "./sitedata.js";
import { parseListUrl } from "./statuslist.js";
import { pyStrip } from "./text.js";

export class LogError extends Error {}

const ID = "log";
const LABEL = "Public log";
const WIDTH = 256;
const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = new TextEncoder();

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function leafHash(entry) {
  return sha256(concat([0], entry));
}

export function nodeHash(left, right) {
  return sha256(concat([1], left, right));
}

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a range. */
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Whether n (a whole number > 0) is a power of two, in arithmetic: `n & (n - 1)` reads n in 32 bits, and took
 * 2**32 + 4 for one (sizes go to 2**53 - 1, note.py MAX_TREE_SIZE).
 */
function powerOfTwo(n) {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}

/** c2sp.org/tlog-tiles: 1234067 → "x001/x234/067". */
export function tileIndexPath(index) {
  const groups = [String(index % 1000).padStart(3, "0")];
  for (let n = Math.floor(index / 1000); n > 0; n = Math.floor(n / 1000)) {
    groups.unshift(`x${String(n % 1000).padStart(3, "0")}`);
  }
  return groups.join("/");
}

/** "tile/<L>/<N>[.p/<W>]", or "tile/entries/<N>[.p/<W>]" for level "entries". */
export function tilePath(level, index, width = WIDTH) {
  return `tile/${level}/${tileIndexPath(index)}${width === WIDTH ? "" : `.p/${width}`}`;
}

export function tileWidth(level, index, size) {
  const count = Math.floor(size / WIDTH ** level);
  return Math.max(0, Math.min(WIDTH, count - index * WIDTH));
}

export function decodeBundle(bytes) {
  const entries = [];
  for (let i = 0; i < bytes.length; ) {
    if (i + 2 > bytes.length) throw new LogError("entry bundle ends inside a length prefix");
    const n = (bytes[i] << 8) | bytes[i + 1];
    if (i + 2 + n > bytes.length) throw new LogError("entry bundle ends inside an entry");
    entries.push(bytes.subarray(i + 2, i + 2 + n));
    i += 2 + n;
  }
  return entries;
}

/** Every complete subtree of a list of hashes, level by level. */
async function levelsOf(hashes) {
  const levels = [hashes];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const above = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(await nodeHash(below[i], below[i + 1]));
    if (!above.length) break;
    levels.push(above);
  }
  return levels;
}

/**
 * Complete-subtree hashes of a tree of `size`, read from tiles with `read(path) → Uint8Array|null`; `name(path)`:
 * where a tile is, in words (its address on the site).
 */
export class TileSource {
  constructor(read, size, name = (path) => path) {
    this.read = read;
    this.size = size;
    this.name = name;
    this.tiles = new Map();
  }

  tile(level, index) {
    const key = `${level}/${index}`;
    if (!this.tiles.has(key)) {
      this.tiles.set(
        key,
        (async () => {
          const width = tileWidth(level, index, this.size);
          if (width === 0) throw new LogError(`tile ${key} is beyond a tree of ${this.size}`);
          const path = tilePath(level, index, width);
          let data = await this.read(path);
          if (data === null && width < WIDTH) {
            // A partial tile may be gone once the full one exists, which starts with the same hashes (log.py tile).
            const full = await this.read(tilePath(level, index));
            if (full !== null) data = full.subarray(0, 32 * width);
          }
          // In transparency/log.py's and tiles.py's words.
          if (data === null) throw new LogError(`${await this.name(path)} is missing`);
          if (data.length !== 32 * width)
            throw new LogError(`a tile of width ${width} has ${32 * width} bytes, not ${data.length}`);
          const hashes = [];
          for (let i = 0; i < width; i += 1) hashes.push(data.subarray(32 * i, 32 * i + 32));
          return levelsOf(hashes);
        })(),
      );
    }
    return this.tiles.get(key);
  }

  async node(height, index) {
    const level = Math.floor(height / 8);
    const below = height % 8;
    const first = index * 2 ** below;
    const levels = await this.tile(level, Math.floor(first / WIDTH));
    const hash = levels[below]?.[(first % WIDTH) / 2 ** below];
    if (hash === undefined) throw new LogError(`no complete subtree of height ${height} at ${index}`);
    return hash;
  }
}

/**
 * `source` with the frontier's nodes (the complete subtrees a tree of `size` splits into, largest first) taken
 * from `hashes` instead: proofs then need no partial tile of the right edge. Not trusted: a wrong hash fails.
 */
export class WithFrontier {
  constructor(source, size, hashes) {
    this.source = source;
    this.known = new Map();
    const heights = [];
    for (let h = Math.floor(Math.log2(Math.max(size, 1))) + 1; h >= 0; h -= 1)
      if (Math.floor(size / 2 ** h) % 2 === 1) heights.push(h);
    if (heights.length !== hashes.length) return;
    let start = 0;
    heights.forEach((h, i) => {
      this.known.set(`${h}/${start / 2 ** h}`, hashes[i]);
      start += 2 ** h;
    });
  }

  node(height, index) {
    return this.known.get(`${height}/${index}`) ?? this.source.node(height, index);
  }
}

/** `source` with some nodes ("height/index" → hash) given: not trusted, a wrong hash fails the proof (merkle.py). */
export class WithNodes {
  constructor(source, nodes) {
    this.source = source;
    this.known = nodes;
  }

  node(height, index) {
    return this.known.get(`${height}/${index}`) ?? this.source.node(height, index);
  }
}

/**
 * The path file of entry `index` in a tree of `size` ({ rel, nodes: [[height, index], ...] }), or null when its
 * 65,536-entry block is not complete (publish.py `path_file`, `path_nodes`: the siblings at heights 8 to 15). A
 * record's index that is no entry index (a string, `true`, a fraction: `prove` refuses it) names none, as in Python
 * (inclusion.py `_proven_award`, json_integer): `"300" >= 0` holds, and named `index/paths/1`.
 */
export function pathFile(index, size) {
  const block = 2 ** 16;
  if (!Number.isSafeInteger(index) || !(index >= 0 && index < size)) return null;
  if ((Math.floor(index / block) + 1) * block > size) return null;
  const tile = Math.floor(index / WIDTH);
  const nodes = [];
  for (let height = 8; height < 16; height += 1) {
    const at = Math.floor(tile / 2 ** (height - 8));
    nodes.push([height, at % 2 === 0 ? at + 1 : at - 1]); // its sibling (no 32-bit `^`)
  }
  return { rel: `index/paths/${tile}`, nodes };
}

/**
 * `edge` with the hashes of the path file of the level-0 tile holding entry `index`, when the site has it
 * (inclusion.py `with_path`): the proof then reads 256 bytes, not a level-1 tile. A file missing, unreadable or
 * of another length is left out (the tile is read instead).
 */
export async function withPath(site, edge, index, size) {
  const found = Number.isSafeInteger(index) ? pathFile(index, size) : null; // prove refuses any other
  if (found === null) return edge;
  let data;
  try {
    data = await bytesReader(site)(`log/${found.rel}`);
  } catch (error) {
    // Unreadable (HTTP 403 or 500) is as good as withheld: the file only saves reading a level-1 tile, which is
    // then read and proven instead (inclusion.py with_path, alike).
    if (!(error instanceof LogError)) throw error;
    return edge;
  }
  if (data === null || data.length !== 32 * found.nodes.length) return edge;
  const nodes = new Map(found.nodes.map(([h, i], n) => [`${h}/${i}`, data.subarray(32 * n, 32 * n + 32)]));
  return new WithNodes(edge, nodes);
}

async function subtreeHash(source, start, end) {
  const size = end - start;
  if (powerOfTwo(size) && start % size === 0) return source.node(Math.log2(size), start / size);
  const k = split(size);
  return nodeHash(await subtreeHash(source, start, start + k), await subtreeHash(source, start + k, end));
}

export async function rootHash(source, size) {
  return size === 0 ? sha256(new Uint8Array()) : subtreeHash(source, 0, size);
}

/**
 * PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf side first; with `above` = h, only the hashes above height h
 * (those below are the siblings inside the complete aligned subtree of 2**h leaves holding the leaf).
 */
export async function inclusionProof(source, index, size, above = 0) {
  if (!(index >= 0 && index < size)) throw new LogError(`leaf ${index} is not in a tree of ${size}`);
  const block = 2 ** above;
  if ((Math.floor(index / block) + 1) * block > size)
    throw new LogError(`the subtree of height ${above} holding leaf ${index} is not complete in a tree of ${size}`);
  const proof = [];
  let start = 0;
  let end = size;
  while (end - start > block) {
    const k = split(end - start);
    if (index < start + k) {
      proof.push(await subtreeHash(source, start + k, end));
      end = start + k;
    } else {
      proof.push(await subtreeHash(source, start, start + k));
      start += k;
    }
  }
  return proof.reverse();
}

/** PROOF(old, D[0:size]) of RFC 6962 §2.1.2. */
export async function consistencyProof(source, old, size) {
  if (!(old >= 0 && old <= size)) throw new LogError(`no consistency proof from ${old} to ${size}`);
  if (old === 0 || old === size) return [];
  const proof = [];
  let start = 0;
  let end = size;
  let m = old;
  let whole = true;
  while (m !== end - start) {
    const k = split(end - start);
    if (m <= k) {
      proof.push(await subtreeHash(source, start + k, end));
      end = start + k;
    } else {
      proof.push(await subtreeHash(source, start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(await subtreeHash(source, start, end));
  return proof.reverse();
}

const isHash = (h) => h instanceof Uint8Array && h.length === 32;

/** RFC 9162 §2.1.3.2. Sizes are JavaScript numbers: exact up to 2**53, far beyond any registry. */
export async function verifyInclusion(leaf, index, size, proof, root) {
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash) || !(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2. */
export async function verifyConsistency(old, size, oldRoot, newRoot, proof) {
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash) || !(old >= 0 && old <= size)) return false;
  if (old === 0) return proof.length === 0 && equal(oldRoot, await sha256(new Uint8Array()));
  if (old === size) return proof.length === 0 && equal(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = powerOfTwo(old) ? [oldRoot, ...proof] : [...proof];
  let fn = old - 1;
  let sn = size - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
}

// --- signed notes, checkpoints, cosignatures (c2sp.org/signed-note, /tlog-checkpoint, /tlog-cosignature) ---

function base64(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    throw new LogError("not base64");
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function base64Encode(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

// The signed note and checkpoint are read as generator/tlog/note.py reads them, rule for rule and in its words
// (parse_note, parse_checkpoint; tests/transparency/test_verify_js.py holds them equal): a host's note the CLI
// refuses is refused here too, and the failure is said alike.
export const MAX_NOTE_BYTES = 64 * 1024;
export const MAX_SIGNATURES = 64;
const DASH = "\u2014 ";
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// Python's str.isspace() and the characters str.isprintable() refuses, other than the space (note.py _check_name).
const NOT_A_NAME = /[\s\x1c-\x1f\x85+]|[^\P{C}]|[^\P{Z} ]/u;

/** The first `n` characters of `text`, quoted (note.py `_quoted`: JSON's quoting, code points counted). */
function quoted(text, n) {
  return JSON.stringify([...text].slice(0, n).join(""));
}

/** note.py `_check_name`: a key name (a signature line's, a vkey's) is non-empty, without spaces or "+". */
function checkName(name) {
  if (!name || NOT_A_NAME.test(name))
    throw new LogError(`a key name is non-empty, without spaces or '+': ${quoted(name, Infinity)}`);
}

/**
 * note.py `_b64decode`: strict base64 in its one canonical spelling. Standard base64 in whole quanta (note.py
 * `_BASE64`), else "not base64"; then "not canonical" when the last character's unused bits are set.
 */
function noteBase64(text) {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    throw new LogError(`not base64: ${quoted(text, 40)}`);
  const raw = Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); // forgiving: unused bits dropped
  if (base64Encode(raw) !== text) throw new LogError(`not canonical base64: ${quoted(text, 40)}`);
  return raw;
}

/** The text and signatures of a signed note's bytes (note.py `parse_note`), or LogError in its words. */
export function parseNote(data) {
  if (data.length > MAX_NOTE_BYTES) throw new LogError(`a note is at most ${MAX_NOTE_BYTES} bytes`);
  let note;
  try {
    note = STRICT_UTF8.decode(data);
  } catch {
    throw new LogError("a note is UTF-8");
  }
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note))
    throw new LogError("a note has no control characters other than newline");
  if (!note.endsWith("\n")) throw new LogError("a note ends with a newline");
  const at = note.lastIndexOf("\n\n");
  if (at < 0) throw new LogError("a note has a blank line between its text and its signatures");
  // Lines end at "\n" only (C2SP signed-note): U+2028 and the like are not line ends.
  const lines = note.slice(at + 2).split("\n").filter((line) => line !== "");
  if (!lines.length) throw new LogError("a note has at least one signature");
  if (lines.length > MAX_SIGNATURES) throw new LogError(`a note has at most ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    if (!line.startsWith(DASH))
      throw new LogError(`a signature line starts with an em dash and a space: ${quoted(line, 60)}`);
    const rest = line.slice(DASH.length);
    const space = rest.indexOf(" ");
    if (space < 0) throw new LogError(`malformed signature line: ${quoted(line, 60)}`);
    const [name, encoded] = [rest.slice(0, space), rest.slice(space + 1)];
    checkName(name);
    const raw = noteBase64(encoded);
    if (raw.length < 5) throw new LogError(`signature of ${name} is too short`);
    return { name, id: raw.subarray(0, 4), data: raw.subarray(4) };
  });
  return { text: note.slice(0, at + 1), signatures };
}

/**
 * The largest tree size either verifier reads (note.py MAX_TREE_SIZE): the page's numbers hold sizes exactly up to
 * 2**53 - 1 only (Number rounds 2**53 + 1, and every proof would then be made for another tree than the one
 * signed), and no log holds that many entries.
 */
export const MAX_TREE_SIZE = 2 ** 53 - 1;

/** The origin, size, root and extension lines of a checkpoint's text (note.py `parse_checkpoint`), or LogError. */
export function parseCheckpoint(text) {
  const lines = text.split("\n");
  if (lines.length < 4 || lines[lines.length - 1] !== "" || lines.slice(0, -1).some((l) => l === ""))
    throw new LogError("a checkpoint is at least three non-empty lines: origin, tree size, root hash");
  if (!/^(?:0|[1-9][0-9]{0,19})$/.test(lines[1]) || BigInt(lines[1]) >= 2n ** 64n)
    throw new LogError(`tree size ${quoted(lines[1], 30)} is not a decimal number without leading zeroes`);
  if (BigInt(lines[1]) > BigInt(MAX_TREE_SIZE))
    throw new LogError(`tree size ${lines[1]} is more than any log holds (at most 2**53 - 1 entries)`);
  const root = noteBase64(lines[2]);
  if (root.length !== 32) throw new LogError("the root hash is 32 bytes");
  return { origin: lines[0], size: Number(lines[1]), root, extensions: lines.slice(3, -1) };
}

// --- the log's index (generator/transparency/logindex.py) ---------------------------------------------------

/** The extension line committing to the index (logindex.py `_COMMITMENT`). */
const COMMITMENT = /^credreg-index\/1 (0|[1-9][0-9]{0,15}) ([A-Za-z0-9+/]{43}=)$/;

/** The index a checkpoint commits to ({ size, root }), or null (none, several, or malformed: logindex.py). */
export function indexCommitment(cp) {
  const found = cp.extensions.filter((line) => line.startsWith("credreg-index/1 "));
  const match = found.length === 1 ? COMMITMENT.exec(found[0]) : null;
  if (match === null) return null;
  const root = base64(match[2]);
  if (base64Encode(root) !== match[2]) return null; // one spelling of a root
  const size = Number(match[1]);
  return Number.isSafeInteger(size) ? { size, root } : null; // logindex.py: 2**53 - 1 at most
}

/** The index line of a key file ("key": its retirement entries) or a status list (its latest entry). */
export async function indexLeaf(kind, path, entries) {
  const name = toHex(await sha256(utf8.encode(path)));
  return utf8.encode(`credreg-index/1 ${kind} ${name}${entries.map((n) => ` ${n}`).join("")}\n`);
}

/**
 * Hashes a site's file gives as one base64 string (a proof, a record's path, the frontier), or null when it is not
 * base64 of whole 32-byte hashes (logindex.py `decode_hashes`).
 */
function hashesOf(text) {
  let raw;
  try {
    raw = base64(text);
  } catch {
    return null;
  }
  if (raw.length % 32 !== 0) return null;
  const hashes = [];
  for (let i = 0; i < raw.length; i += 32) hashes.push(raw.subarray(i, i + 32));
  return hashes;
}

/** Whether `proof` ([position, base64 hashes]) shows `leaf` in the index tree `given` commits to. */
export async function verifyIndexProof(given, leaf, proof) {
  if (!Array.isArray(proof) || proof.length !== 2 || !Number.isSafeInteger(proof[0]) || typeof proof[1] !== "string")
    return false;
  const hashes = hashesOf(proof[1]);
  if (hashes === null || proof[0] < 0 || proof[0] >= given.size) return false;
  return verifyInclusion(await leafHash(leaf), proof[0], given.size, hashes, given.root);
}

/**
 * A vkey "<name>+<hex key id>+<base64(type || key)>" of an Ed25519 note key (type 0x01) or cosigner (type 0x04), read
 * as note.py `parse_vkey` reads it, rule for rule, in its words (tests/site/test_verify_js.py holds them equal).
 */
export async function parseVkey(vkey) {
  const text = pyStrip(vkey); // note.py parse_vkey: str.strip()
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1); // str.split("+", 2): base64 may hold "+"
  if (second < 0) throw new LogError("a verifier key is <name>+<hex key id>+<base64 key>");
  const [name, hexId, material] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(hexId))
    throw new LogError(`key id ${quoted(hexId, Infinity)} is not 8 lowercase hex digits`);
  const raw = noteBase64(material);
  if (raw.length !== 33 || (raw[0] !== 0x01 && raw[0] !== 0x04))
    throw new LogError("only Ed25519 keys (type 0x01) and Ed25519 cosigners (type 0x04) are supported");
  const id = (await sha256(concat(utf8.encode(`${name}\n`), raw))).subarray(0, 4);
  if (toHex(id) !== hexId) throw new LogError(`key id ${hexId} does not match the key (expected ${toHex(id)})`);
  return { name, type: raw[0], key: raw.subarray(1), id };
}

/** A parsed vkey as note.py `Verifier.vkey` spells it. */
function vkeyText(vkey) {
  return `${vkey.name}+${toHex(vkey.id)}+${base64Encode(concat([vkey.type], vkey.key))}`;
}

async function ed25519(key, message, signature) {
  if (signature.length !== 64) return false;
  try {
    const imported = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, imported, signature, message);
  } catch {
    return false;
  }
}

const find = (note, vkey) => note.signatures.find((s) => s.name === vkey.name && equal(s.id, vkey.id));

export async function verifyNote(note, vkey) {
  const sig = find(note, vkey);
  return vkey.type === 0x01 && sig !== undefined && ed25519(vkey.key, utf8.encode(note.text), sig.data);
}

/** A witness's valid cosignature/v1 on the note (its timestamp), or null. */
export async function cosignature(note, vkey) {
  const sig = find(note, vkey);
  if (vkey.type !== 0x04 || sig === undefined || sig.data.length !== 72) return null;
  let time = 0n;
  for (const b of sig.data.subarray(0, 8)) time = (time << 8n) | BigInt(b);
  if (time >= 2n ** 63n) return null; // C2SP tlog-cosignature: a time is at most 2**63 - 1 (note.py alike)
  const message = utf8.encode(`cosignature/v1\ntime ${time}\n${note.text}`);
  return (await ed25519(vkey.key, message, sig.data.subarray(8))) ? time : null;
}

// --- the check ---------------------------------------------------------------------------------------------

function bytesReader(site) {
  if (typeof site.loadBytes === "function") return (path) => site.loadBytes(path);
  // Revalidated every time (a 304 costs little): the checkpoint changes with each publish, and a tile cached
  // from one view of the log must not stand in for what the site serves now. Bounded as every file the page reads.
  return (path) => fetchBounded(new URL(path, site.root), path, LogError, REVALIDATE);
}

function memoryOf(storage) {
  if (storage !== undefined) return storage;
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: no memory between visits
  }
}

/**
 * The "Public log" check of an award hash. `site` is a SiteData; `storage` (default: localStorage) keeps the
 * largest checkpoint seen that its witnesses' quorum cosigned, per log origin; `document` (the award) names the signing keys whose expiry or
 * revocation, logged before the award, fails it (the same rule as generator/transparency/inclusion.py);
 * `entry` is the award's verification shard entry (SiteData.entry), whose `log` is the award's record; the
 * status list the page judged the award's status by must be the log's latest version of it; `now` (Unix
 * seconds, default: the clock) dates the newest witness cosignature. `kind` "endorsement": the same check of an
 * endorsement (its record in log/index/endorsements/<hash>.json, no `entry`; its endorser's status list).
 */
export async function logCheck(site, hash, storage, document = null, entry = null, now = undefined, kind = "award") {
  // A site built without a log says so (verify/index.json "log": false): no request for a log/ that is not there,
  // which would be a 404 in the visitor's console at every verification.
  try {
    const policy = (await site.index()).log === false ? null : await sitePolicy(site);
    if (policy === null) {
      return notChecked(ID, LABEL, "this registry publishes no transparency log", { applicable: false });
    }
    return await checkLog(site, hash, policy, memoryOf(storage), document, entry, now ?? Date.now() / 1000, kind);
  } catch (error) {
    return logFailure(error);
  }
}

/**
 * A JSON text of a policy (log/policy.json), read as Python reads it: a `quorum` written with a fraction or an
 * exponent (`1.0`, `1e0`) is a float to Python, which refuses it as a quorum (handover.py `handover_problem`), while
 * JSON.parse reads the number 1. Such a quorum is kept here as the text it is written as, which no rule takes for a
 * quorum (handoverProblem refuses it in Python's words; checkLog refuses the policy).
 */
export function readPolicy(text) {
  const value = parseJSON(text);
  if (value === null || typeof value !== "object" || Array.isArray(value) || typeof value.quorum !== "number")
    return value;
  // The policy's own quorum as written: each string is consumed whole (no text inside one is read as a key or a
  // bracket), brackets outside strings give the depth, and only a key at depth 1 that JSON.parse reads as
  // "quorum" (however escaped) counts. parseJSON refused a key written twice, so there is one.
  let depth = 0;
  let written = null;
  for (const match of text.matchAll(/("(?:[^"\\]|\\.)*")(?:\s*:\s*(-?[0-9][0-9.eE+-]*))?|([{[])|([}\]])/g)) {
    if (match[3] !== undefined) depth += 1;
    else if (match[4] !== undefined) depth -= 1;
    else if (depth === 1 && match[2] !== undefined && JSON.parse(match[1]) === "quorum") written = match[2];
  }
  return written === null || /^-?(?:0|[1-9][0-9]*)$/.test(written) ? value : { ...value, quorum: written };
}

/** The site's log/policy.json (null when it has none), read by `readPolicy`. */
async function sitePolicy(site) {
  const text = await site.text("log/policy.json");
  if (text === null) return null;
  try {
    return readPolicy(text);
  } catch (error) {
    throw new DataError(`log/policy.json is not valid JSON: ${error.message}`);
  }
}

/**
 * A log that cannot be read as it must be fails the check, in credreg verify's words (inclusion.py log_check): a
 * file the host refuses (HTTP 403, 500) or that is not strict JSON (a key written twice, gzip bytes in a .json
 * file) is a LogError there, a DataError of SiteData here.
 */
function logFailure(error) {
  if (!(error instanceof LogError || error instanceof DataError)) throw error;
  return check(ID, LABEL, false, `the log does not check out: ${error.message}`);
}

/**
 * The "Public log" check of a status list given on its own (inclusion.py `status_list_log_check`): `text`, the
 * dropped file's text (its bytes, as the log hashes a list; null for pasted text, whose bytes are not the file's),
 * must be the log's latest version of the list its id names, proven against the checkpoint, published before any
 * of its signing keys was logged as retired. `storage` and `now` as for `logCheck`. `image`: the list was read
 * from a badge image (`text` null), which is not its file either.
 */
export async function listLogCheck(site, text, storage, document, now = undefined, { image = false } = {}) {
  let policy;
  try {
    policy = (await site.index()).log === false ? null : await sitePolicy(site);
  } catch (error) {
    return logFailure(error);
  }
  if (policy === null) {
    return notChecked(ID, LABEL, "this registry publishes no transparency log", { applicable: false });
  }
  const path = await listPath(site, document);
  if (path === null) return notChecked(ID, LABEL, "not a status list of this registry", { applicable: false });
  if (text === null && image) return notChecked(ID, LABEL, IMAGE_NOT_FILE, { applicable: false });
  if (text === null) {
    const why = "pasted text is not the list's file, which the log records byte for byte: drop the file to check it";
    return notChecked(ID, LABEL, why, { applicable: false });
  }
  const hash = toHex(await sha256(utf8.encode(text)));
  try {
    return await checkLog(site, hash, policy, memoryOf(storage), document, path, now ?? Date.now() / 1000, LIST_KIND);
  } catch (error) {
    return logFailure(error);
  }
}

/** A status list read from a badge image: not its file, which the log hashes (inclusion.py `IMAGE_NOT_FILE`). */
export const IMAGE_NOT_FILE =
  "a badge image carries the list's text, not its file, which the log records byte for byte: give the file " +
  "itself to check it";

/** A status list given on its own: its log entries are its versions (inclusion.py `LIST_KIND`). */
const LIST_KIND = "status-list";

/**
 * The repository path of a status list its id names, of a registered issuer or endorser, or null (inclusion.py
 * `list_path`; policies.js `statusListChecks` reads the id alike).
 */
async function listPath(site, document) {
  const url = document && typeof document === "object" ? document.id : undefined;
  const index = await site.index();
  for (const folder of ["issuers", "endorsers"]) {
    const located = parseListUrl(index.site_url, url, folder);
    if (located === null) continue;
    const registered =
      folder === "issuers"
        ? Object.values(index.issuers).includes(located[0])
        : (await site.endorsements()).endorsers.some((e) => e.folder === folder && e.id === located[0]);
    return registered ? `registry/${folder}/${located[0]}/status/${located[1]}.json` : null;
  }
  return null;
}

const ENTRY =
  /^credreg-log\/1 ([a-z-]+) ([^ /]+) ([0-9a-f]{64}) ([A-Za-z0-9/._~%-]+)(?:#([1-9][0-9]*))?\n$/;
/** The kinds of log entries (generator/transparency/entries.py `KINDS`). */
const KINDS = [
  "award",
  "revocation",
  "revocation-removed",
  "key-added",
  "key-expiry-set",
  "key-revoked",
  "key-changed",
  "credential",
  "status-list",
  "status-list-cleared",
  "endorsement",
  "issuer-changed",
  "witnesses-announced",
];

/**
 * LogEntry.parse's `_unquote` (Python's `unquote(text, errors="surrogateescape")`): each `%XX` escape is a byte,
 * any other `%` kept as written, and the bytes read as UTF-8, each byte that is not part of a well-formed
 * character given as the lone surrogate U+DC00 + byte, as Python escapes it (so a Git name that is not UTF-8
 * comes back byte for byte). An entry is ASCII (`parseEntry`), so every character here is one byte.
 */
function unquote(text) {
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const length = utf8Length(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(bytes[i] < 0x80 ? bytes[i] : 0xdc00 + bytes[i]);
      i += 1;
    } else {
      out += new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes.slice(i, i + length)));
      i += length;
    }
  }
  return out;
}

/**
 * The length of the well-formed UTF-8 character at `bytes[i]` (the Unicode Standard's table 3-7: no overlong
 * form, no surrogate, nothing above U+10FFFF), or 0 when none starts there (an ASCII byte: 1).
 */
function utf8Length(bytes, i) {
  const b = bytes[i];
  const within = (k, lo, hi) => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return within(1, 0x80, 0xbf) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return within(1, lo, hi) && within(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return within(1, lo, hi) && within(2, 0x80, 0xbf) && within(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/**
 * A log entry's text read as generator/transparency/entries.py `LogEntry.parse` reads it ({ kind, issuer, sha256,
 * path, line }), or null: the one reading of a record's text, before its proof, on both sides. `encode` writes
 * ASCII only, so text that is not ASCII is no entry.
 */
export function parseEntry(text) {
  const match = typeof text === "string" && /^[\x00-\x7f]*$/.test(text) ? ENTRY.exec(text) : null;
  if (match === null || !KINDS.includes(match[1])) return null;
  const line = match[5] === undefined ? null : Number(match[5]);
  return { kind: match[1], issuer: unquote(match[2]), sha256: match[3], path: unquote(match[4]), line };
}

/**
 * The kinds a key's index line names (logindex.py KEY_LINE_KINDS): its retirements, and a key-changed alert
 * (logindex.py `retires`: a retired public key's copy, or an end taken back), which the index vouches for.
 */
const RETIRED = ["key-expiry-set", "key-revoked", "key-changed"];
/** How a signing key's retirement is named, by its entry's kind (inclusion.py _RETIRED_AS, _CHANGED_AS). */
const RETIRED_AS = { "key-revoked": "revoked", "key-expiry-set": "expired (valid_until set)" };
const CHANGED_AS = "changed past the registry's checks (a copy of a retired key, or its end taken back)";
/** The last second a cosignature's time is read as one (9999-12-31T23:59:59Z). */
export const LAST_SECOND = 253402300799n;
/** A registry id (an issuer's), as an award's log entry names it without percent-encoding. */
const ISSUER = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A key record [index, entry text, base64 path], its entry proven in the signed tree, or LogError. */
async function proven(tiles, cp, record, where) {
  const malformed = () => new LogError(`${where}: malformed index record`);
  if (!Array.isArray(record) || record.length !== 3) throw malformed();
  const [index, text, encoded] = record;
  if (typeof text !== "string" || typeof encoded !== "string") throw malformed();
  const below = hashesOf(encoded);
  if (below === null) throw malformed();
  return prove(tiles, cp, index, text, below, where);
}

/**
 * Entry `index` is `text` in the signed tree: `below`, the proof's hashes inside the complete subtree holding it
 * (none: from the tiles), then the hashes above from the tiles and the frontier; or LogError.
 */
async function prove(tiles, cp, index, text, below, where) {
  const entry = parseEntry(text); // read first, as inclusion.py `_prove` reads it
  if (entry === null || !Number.isSafeInteger(index) || index < 0 || index >= cp.size)
    throw new LogError(`${where}: malformed log record`);
  let above;
  try {
    above = await inclusionProof(tiles, index, cp.size, below.length);
  } catch (error) {
    if (!(error instanceof LogError)) throw error;
    throw new LogError(`${where}: ${error.message}`); // the file that asked for it, as inclusion.py `_prove` says
  }
  if (!(await verifyInclusion(await leafHash(utf8.encode(text)), index, cp.size, [...below, ...above], cp.root)))
    throw new LogError(`the inclusion proof of entry ${index} does not verify`);
  return { index, ...entry };
}

/**
 * The entries the index line of a key file ("key": its retirements) or a status list (its latest version) names,
 * read from the site's `rel` and proven: each in the log, and the line, made of exactly those entries, in the
 * index the checkpoint commits to (inclusion.py `_indexed`). null when the site has no such file.
 */
async function indexed(site, edge, cp, kind, path, rel) {
  const content = await site.json(rel);
  if (content === null) return null;
  const given = indexCommitment(cp); // first: an older site's files are of another form, and this says why
  if (given === null) {
    throw new LogError(
      "log/checkpoint does not commit to the log's index (a log published by an older credreg): nothing proves " +
        "which version of a status list is the latest, or that a key was not retired",
    );
  }
  const records = content !== null && typeof content === "object" ? content.records : undefined;
  if (!Array.isArray(records)) throw new LogError(`${rel}: malformed index record`);
  const found = [];
  for (const record of records) {
    const entry = await proven(edge, cp, record, rel);
    if (entry.path !== path || (kind === "key" ? !RETIRED.includes(entry.kind) : !LIST_ENTRIES.includes(entry.kind))) {
      const what = kind === "key" ? "a retirement of the key" : "a version of the status list";
      throw new LogError(`${rel}: entry ${entry.index} is not ${what} ${path}`);
    }
    found.push(entry);
  }
  const leaf = await indexLeaf(kind, path, found.map((entry) => entry.index));
  if (!(await verifyIndexProof(given, leaf, content.index))) {
    throw new LogError(
      `${rel}: not the log's index line for ${path} (its proof against the index the checkpoint commits to does ` +
        "not verify): a record dropped, added or replaced",
    );
  }
  return found;
}

/** A status list's entries its index line names: its latest version, and its last revocation taken back. */
const LIST_ENTRIES = [LIST_KIND, "status-list-cleared"];

/**
 * The entries of a status list the site's index file names, proven: { latest, cleared } (its latest version and
 * its last revocation taken back, each null when none; inclusion.py `_list_versions` and `_last`).
 */
async function listVersions(site, edge, cp, path) {
  const rel = `log/index/status/${toHex(await sha256(utf8.encode(path)))}.json`;
  const found = (await indexed(site, edge, cp, LIST_KIND, path, rel)) ?? [];
  const last = (kind) => found.filter((e) => e.kind === kind).reduce((a, e) => (a === null || e.index > a.index ? e : a), null);
  return { latest: last(LIST_KIND), cleared: last("status-list-cleared") };
}

/** The words of a status list with a revocation taken back (inclusion.py `taken_back`). */
function takenBack(path, cleared) {
  if (cleared === null) return "";
  return (
    `; beware: ${path} had a revocation taken back (entry ${cleared} logs that a bit set before was cleared: an ` +
    "older list put back, the list withdrawn, or its awards re-issued), which no revocation may be"
  );
}

/**
 * The text of an award's log entry from its hash, its issuer and its record's `where` (the inverse of
 * generator/transparency/publish.py `award_record`: the path after the issuer's awards folder, "<folder>/" for
 * a single award file at the default "<folder>/<2 hex>/<hash>.json", or the whole text).
 */
export function awardEntryText(issuer, hash, where) {
  if (where.startsWith("credreg-log/1 ")) return where;
  const path = where.endsWith("/") ? `${where}${hash.slice(0, 2)}/${hash}.json` : where;
  return `credreg-log/1 award ${issuer} ${hash} registry/issuers/${issuer}/awards/${path}\n`;
}

/** The frontier policy.json gives for this checkpoint's size ([] when it is for another size). */
function frontierOf(policy, size) {
  const given = policy.frontier;
  if (!given || typeof given !== "object" || given.size !== size || typeof given.hashes !== "string") return [];
  return hashesOf(given.hashes) ?? [];
}

/** The verification methods of the award's proofs (the keys whose log entries date it). */
function signingMethods(document) {
  const proofs = document && typeof document === "object" ? document.proof : undefined;
  const methods = new Set();
  for (const proof of Array.isArray(proofs) ? proofs : [proofs]) {
    const method = proof && typeof proof === "object" ? proof.verificationMethod : undefined;
    if (typeof method === "string" && method.includes("#")) methods.add(method);
  }
  return [...methods].sort();
}

/**
 * `keys/<owner>/<key id>.json` of a verification method whose DID is a registry issuer's or endorser's, else null
 * (inclusion.py `signing_keys`: its owner read as a `kind`'s, ownerOf; a status list's, `listPath`, the owner of
 * its folder when the method is of that owner's DID, as the list's own check holds it to that owner's keys: for an
 * issuer's folder that is the DID's owner, as the index maps each DID to one issuer, Registry.issuer_ids_by_did).
 */
async function signingKeyFile(site, method, kind, listPath = null) {
  const at = method.indexOf("#");
  const [did, keyId] = [method.slice(0, at), method.slice(at + 1)];
  const folderOwner = listPath === null ? null : listPath.split("/")[2];
  const mine = folderOwner !== null && (await didOf(site, listPath.split("/")[1], folderOwner)) === did;
  const owner = mine ? folderOwner : await ownerOf(site, did, kind);
  return owner === null ? null : `keys/${owner}/${keyId}.json`;
}

/** The DID of the registered owner `id` of `folder` ("issuers" or "endorsers") owning it, else null (Registry.owns_its_did). */
async function didOf(site, folder, id) {
  if (folder === "issuers") {
    const found = Object.entries((await site.index()).issuers).find(([, owner]) => owner === id);
    return found ? found[0] : null;
  }
  if ((await site.json("verify/endorsements.json")) === null) return null;
  const endorsers = (await site.endorsements()).endorsers;
  const named = endorsers.find((e) => e.folder === folder && e.id === id);
  // Only the DID's owner (Registry.owns_its_did): the first endorser declaring it, as index.json's issuers.
  return named !== undefined && endorsers.find((e) => e.did === named.did) === named ? named.did : null;
}

/**
 * The registry id of the owner whose DID is `did`, as the page's check of a `kind` reads it (inclusion.py
 * `_owner_of`): an endorsement's, the first of verify/endorsements.json's endorsers (Registry.endorser_for_did's
 * order: endorsers, then issuers), as endorsements.js finds its signer; else the issuer, else the endorser. Read
 * otherwise, an issuer declaring an endorser's DID would have its key file judged in place of the endorser's.
 */
async function ownerOf(site, did, kind) {
  const endorsers = async () =>
    (await site.json("verify/endorsements.json")) === null
      ? null
      : ((await site.endorsements()).endorsers.find((e) => e.did === did)?.id ?? null);
  if (kind === "endorsement") return await endorsers();
  return (await site.issuerOf(did)) ?? (await endorsers());
}

/**
 * The owner in whose name an award's or endorsement's entry must be logged (inclusion.py `logged_owner`): the one
 * its `issuer` DID names, whose monitor lists the entries in its name; null without a document or for an owner not
 * registered here. An entry's owner is the folder its file was committed in: an award pushed past the checks into
 * another issuer's folder is logged in that issuer's name, where its own issuer's monitor never shows it.
 */
async function loggedOwner(site, document, kind) {
  const issuer = document !== null && typeof document === "object" ? document.issuer : undefined;
  const did = issuer !== null && typeof issuer === "object" && !Array.isArray(issuer) ? issuer.id : issuer;
  return typeof did === "string" ? await ownerOf(site, did, kind) : null;
}

/** inclusion.py `LoggedElsewhere`: logged, but only in another owner's name. */
function elsewhereReason(found, kind) {
  const whose = kind === "award" ? "issuer" : "endorser";
  return (
    `not recorded in the public log in the name of its ${whose} ${found.owner} (entry ${found.elsewhere} logs it ` +
    `in the name of ${found.named}, whose folder it was published in: ${found.owner}'s monitor does not list it)`
  );
}

/** The folders whose status lists each kind is judged by (inclusion.py `_LIST_FOLDERS`). */
const LIST_FOLDERS = { award: ["issuers"], endorsement: ["issuers", "endorsers"] };

/**
 * (repository path, served text) of the site's status list the award's status is judged by (policies.js
 * `statusPolicy` reads the same file, once per page; an endorsement's: endorsements.js, through the same
 * SiteData), or null when it names none here (inclusion.py `status_list_used`). An endorser's list is the one
 * the site serves, if any (the index lists issuers only; an endorsement of an unregistered endorser fails before).
 */
async function statusListUsed(site, document, kind) {
  const status = document && typeof document === "object" ? document.credentialStatus : undefined;
  const url = status && typeof status === "object" ? status.statusListCredential : undefined;
  const index = await site.index();
  for (const folder of LIST_FOLDERS[kind]) {
    const located = parseListUrl(index.site_url, url, folder);
    if (located === null) continue;
    if (folder === "issuers" && !Object.values(index.issuers).includes(located[0])) continue;
    const text = await site.text(`${folder}/${located[0]}/status/${located[1]}.json`);
    return text === null ? null : { path: `registry/${folder}/${located[0]}/status/${located[1]}.json`, text };
  }
  return null;
}

/** A duration in words, rounded down (inclusion.py `_age`). */
function age(seconds) {
  const s = Math.max(seconds, 0);
  let [n, unit] = [Math.floor(s / 86400), "day"];
  if (s < 3600) [n, unit] = [Math.floor(s / 60), "minute"];
  else if (s < 2 * 86400) [n, unit] = [Math.floor(s / 3600), "hour"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

// How far a witness's clock may run ahead of the reader's, in seconds (inclusion.py CLOCK_SKEW_SECONDS).
export const CLOCK_SKEW_SECONDS = 300;

/**
 * The time by which `quorum` of the witnesses had cosigned (inclusion.py `quorum_cosignature`): the quorum-th newest
 * of `times` (BigInt seconds); the newest for a quorum of 0 or 1, the oldest when fewer cosigned. No one witness of a
 * larger quorum is trusted alone, nor for how fresh a view is. A time after the clock `now` (beyond the skew) or
 * after 9999-12-31 says nothing of when its witness cosigned: it ranks as the oldest, and the answer is then that
 * time (said to be after the clock), or null when it names no date.
 */
function quorumCosignature(times, quorum, now) {
  const horizon = BigInt(Math.floor(now)) + BigInt(CLOCK_SKEW_SECONDS);
  const rank = (t) => [t > horizon ? 1 : 0, t > LAST_SECOND ? 1 : 0, t <= horizon ? -t : t];
  const ranked = [...times].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
  if (!ranked.length) return null;
  const time = ranked[Math.min(Math.max(quorum, 1), ranked.length) - 1];
  return time <= LAST_SECOND ? time : null;
}

/** How old this view of the log is, by the time its quorum had cosigned it (inclusion.py `freshness`): a time after
 * the clock (beyond the skew) says nothing of it, and is said for what it is. */
function freshness(cosignedAt, now, quorum) {
  if (cosignedAt === null) return "";
  const when = new Date(Number(cosignedAt) * 1000).toISOString().replace(/\.[0-9]{3}Z$/, "Z");
  const elapsed = Math.floor(now) - Number(cosignedAt);
  if (elapsed < -CLOCK_SKEW_SECONDS)
    return `; a witness's cosignature is dated after this clock (${when}): it says nothing of how old this view of the log is`;
  if (quorum > 1) return `; its quorum of ${quorum} witnesses had all cosigned its checkpoint since ${when} (${age(elapsed)} ago)`;
  return `; a witness last cosigned its checkpoint ${age(elapsed)} ago (${when})`;
}

/** [whether it holds, the words] for the status list the award's status was judged by (inclusion.py `list_clause`). */
function listClause(binding) {
  if (binding === null) return [true, ""];
  const what = `its status list ${binding.path}`;
  if (binding.latest === null) return [false, `; but ${what} is not in the public log`];
  if (binding.holds)
    return [true, `; ${what} is the log's latest version of it (entry ${binding.latest})${takenBack(binding.path, binding.cleared)}`];
  return [
    false,
    `; but ${what}, as read here, is not the log's latest version of it (entry ${binding.latest}): an older ` +
      "list (a revocation made since hidden) or one never published",
  ];
}

/**
 * The entry of an award (its shard entry's record, `entry.log`) or an endorsement (log/index/endorsements/<hash>.json),
 * proven in the signed tree (inclusion.py `_lookup`); null when the site has no record of it.
 */
async function provenRecord(site, edge, cp, hash, entry, kind, document) {
  if (kind === LIST_KIND) {
    // A status list (`entry`: its repository path): the site names its latest version only, so the list given is
    // that version, or not the latest ({ latest }: older, superseded, or never published; null: none logged).
    const { latest, cleared } = await listVersions(site, edge, cp, entry);
    if (latest === null) return null;
    return latest.sha256 === hash ? { listed: latest.index, cleared: cleared?.index ?? null } : { latest: latest.index };
  }
  if (kind === "endorsement") {
    const rel = `log/index/endorsements/${hash}.json`;
    const records = await site.json(rel);
    if (!Array.isArray(records)) return null;
    let found = null;
    let elsewhere = null;
    const owner = records.length ? await loggedOwner(site, document, kind) : null; // only an entry in its name counts
    for (const record of records) {
      const at = await proven(edge, cp, record, rel);
      if (at.kind !== kind || at.sha256 !== hash) throw new LogError(`entry ${at.index} is not this ${kind}`);
      if (owner === null || at.issuer === owner) {
        if (found === null || at.index < found) found = at.index;
      } else if (elsewhere === null || at.index < elsewhere.elsewhere) {
        elsewhere = { elsewhere: at.index, owner, named: at.issuer };
      }
    }
    return found === null && elsewhere !== null ? elsewhere : found;
  }
  // The award's log record came with its lookup (the shard entry's "log": [index, where]): its entry's text is
  // rebuilt and proven from the full tiles holding it up. The record is only a hint: the proof decides.
  const record = entry !== null && typeof entry === "object" ? entry.log : undefined;
  if (record === undefined) return null;
  // The shard that gave the record, as inclusion.py `_award_record` names it.
  const where = await site.dataPath(`shards/${shardName(hash, (await site.index()).shard_bits)}.json.gz`);
  if (
    !Array.isArray(record) ||
    record.length !== 2 ||
    typeof record[1] !== "string" ||
    typeof entry.issuer !== "string" ||
    !ISSUER.test(entry.issuer)
  )
    throw new LogError(`${where}: malformed log record`);
  const source = await withPath(site, edge, record[0], cp.size);
  const award = await prove(source, cp, record[0], awardEntryText(entry.issuer, hash, record[1]), [], where);
  if (award.kind !== "award" || award.sha256 !== hash) throw new LogError(`entry ${award.index} is not this award`);
  // Only an entry in its issuer's name counts (inclusion.py `_lookup`).
  const owner = await loggedOwner(site, document, kind);
  if (owner !== null && award.issuer !== owner) return { elsewhere: award.index, owner, named: award.issuer };
  return award.index;
}

/**
 * The browser's memory (localStorage) of the witnesses' keys and the quorum the site's log was last seen cosigned by,
 * and that log's name: kept for the site (this prefix and the site's root: sites on one origin, as a host's project
 * pages are, each have their own), not per log name as the checkpoint is (LOG_MEMORY), so that a log under another
 * name and key is held to the witnesses the site's log had.
 */
const SITE_WITNESSES = "credreg-log-witnesses:";
/** A log no witness cosigned, its policy naming none (inclusion.py UNWITNESSED_CLAUSE): not "0 of 0 witnesses". */
const UNWITNESSED = "; no witness cosigned it: that signature alone vouches for the log";
/** The browser's memory of one log (LOG_MEMORY and its name): its largest checkpoint, its witnesses and quorum. */
const LOG_MEMORY = "credreg-log:";

/**
 * Every memory of witnesses this browser holds for the site at `root`, each {origin, key, witnesses, quorum}: the
 * site's (SITE_WITNESSES), then that of each log named under the site (credreg names a log after its site,
 * transparency/log.py log_origin), that of `origin` first. A page before the site's memory kept only a log's; and
 * each is held, none standing in for another, so that one written weaker (a policy naming no witness, taken up as a
 * first visit to a log under a new name) does not undo the others.
 */
function rememberedWitnesses(memory, root, origin) {
  if (!memory) return [];
  const read = (key) => {
    try {
      return JSON.parse(memory.getItem(key) ?? "null");
    } catch {
      return null; // not this page's JSON: nothing remembered under it
    }
  };
  const policyOf = (m) =>
    m && Array.isArray(m.witnesses) && m.witnesses.every((k) => typeof k === "string") && Number.isSafeInteger(m.quorum)
      ? m
      : null;
  const found = [];
  const siteKey = SITE_WITNESSES + root.href;
  const sitePolicy = policyOf(read(siteKey));
  if (sitePolicy !== null) found.push({ ...sitePolicy, key: siteKey, origin: String(sitePolicy.origin ?? origin) });
  const under = `${root.host}${root.pathname}`;
  const names = [origin];
  try {
    for (let i = 0; i < memory.length; i++) {
      const key = memory.key(i);
      if (typeof key !== "string" || !key.startsWith(LOG_MEMORY)) continue;
      const name = key.slice(LOG_MEMORY.length);
      if (name !== origin && name.startsWith(under)) names.push(name);
    }
  } catch {
    // a memory that cannot list its keys: the site's, and this log's
  }
  for (const name of names) {
    const policy = policyOf(read(LOG_MEMORY + name));
    if (policy !== null) found.push({ ...policy, key: LOG_MEMORY + name, origin: name });
  }
  return found;
}

/**
 * The witnesses a reader holds the log to, as an announcement names them (handover.py `held_keys`): each verifier
 * key's public key (hex), sorted, each once; a string that is no verifier key (this page remembers hex keys) as it is.
 */
async function heldKeys(witnesses) {
  const keys = new Set();
  for (const witness of witnesses) {
    try {
      keys.add(toHex((await parseVkey(witness)).key));
    } catch (error) {
      if (!(error instanceof LogError)) throw error;
      keys.add(witness);
    }
  }
  return [...keys].sort();
}

/**
 * What a `witnesses-announced` entry names (handover.py `policy_hash`): SHA-256 (hex) of the canonical JSON of the
 * log's name, the witnesses' verifier keys (sorted, each once) and the quorum, and the witnesses and quorum handed
 * over from (heldKeys): an old announcement hands nothing over from the witnesses that replaced the set it was made
 * under. null for a key that is not ASCII (Python escapes it: credreg writes none).
 */
export async function policyHash(origin, witnesses, quorum, held, heldQuorum) {
  const keys = [...new Set(witnesses)].sort();
  const from = { quorum: heldQuorum, witnesses: await heldKeys(held) };
  const text = JSON.stringify({ from, log: origin, quorum, witnesses: keys });
  if (!/^[\x20-\x7e]*$/.test(text)) return null;
  return toHex(await sha256(utf8.encode(text)));
}

/**
 * Why the policy `now` ({vkey, witnesses, quorum}) may not be taken up in place of `kept` (a memory: {vkey?,
 * witnesses, quorum}) for the log `origin`, `announced` the hashes of the hand-overs announced in a checkpoint
 * `kept`'s quorum cosigned, in the log's order (only the latest is taken up: an earlier one was withdrawn); null
 * when it may, or nothing changed. handover.py `handover_problem`, the same rule.
 */
export async function handoverProblem(kept, now, origin, announced) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const { witnesses, quorum } = now;
  // Before "unchanged": 1.0 and 1.00 are one float to Python and two texts here (readPolicy).
  if (!Number.isSafeInteger(quorum)) return "the quorum is not a whole number (written 1.0, say, or true, or too large)";
  if (same(kept.vkey, now.vkey) && same(kept.witnesses, now.witnesses) && same(kept.quorum, now.quorum)) return null;
  if (!same(kept.vkey, now.vkey)) return "the log key changed: a hand-over replaces witnesses, never the log's own key";
  if (!Array.isArray(witnesses) || !witnesses.every((w) => typeof w === "string")) return "the witnesses do not read";
  if (quorum < 1)
    return (
      "a quorum of no witness is never a hand-over: the log key alone would vouch for the log, the holder " +
      "the witnesses guard against"
    );
  const distinct = new Set(witnesses).size;
  if (distinct < quorum) return `a quorum of ${quorum} of ${distinct} witnesses is never reached`;
  const held = kept.witnesses;
  if (!Array.isArray(held) || !held.every((w) => typeof w === "string") || !Number.isSafeInteger(kept.quorum))
    return "the witnesses held to before do not read";
  const digest = await policyHash(origin, witnesses, quorum, held, kept.quorum);
  if (!Array.isArray(announced) || digest === null || !announced.includes(digest))
    return (
      "no announcement of these witnesses and quorum for this log, from the witnesses held to before (a " +
      "witnesses-announced entry), was seen in a checkpoint cosigned by their quorum"
    );
  if (announced[announced.length - 1] !== digest)
    return (
      "these witnesses and quorum were announced, then withdrawn: a later announcement, made while the " +
      "witnesses held to before were listed, names others (the latest is the one the registry means)"
    );
  return null;
}

async function checkLog(site, hash, policy, memory, document, entry, now, kind) {
  const read = bytesReader(site);
  const vkey = await parseVkey(policy.vkey);
  // As transparency/log.py open_log: the note and its checkpoint read first, then its signature, then its origin.
  const raw = await read("log/checkpoint");
  if (raw === null) throw new LogError("log/checkpoint: no checkpoint");
  let note;
  let cp;
  try {
    note = parseNote(raw);
    cp = parseCheckpoint(note.text);
  } catch (error) {
    if (!(error instanceof LogError)) throw error;
    throw new LogError(`log/checkpoint: ${error.message}`);
  }
  if (!(await verifyNote(note, vkey))) throw new LogError(`log/checkpoint is not signed by the log key ${vkeyText(vkey)}`);
  if (cp.origin !== vkey.name)
    throw new LogError(`log/checkpoint is for the log ${quoted(cp.origin, Infinity)}, not ${quoted(vkey.name, Infinity)}`);
  // The tiles may be on the verification data's host (docs/hosting.md): they only feed proofs against the
  // checkpoint read above from the site, so a host that alters or withholds one makes the check fail.
  const tiles = new TileSource(async (path) => read(await site.logTilePath(path)), cp.size, (path) => site.logTilePath(path));

  // A quorum counts keys, not names (models/governance.py refuses a witness list that names one key twice, or the
  // log's own): a cosignature signs the checkpoint and its time, never the witness's name, so whoever holds the log's
  // key copies one cosignature under every name a policy lists that key with. Each public key counts once here, and
  // the log's own never, whatever log/policy.json lists.
  const times = [];
  const logKey = toHex(vkey.key);
  const named = new Set(); // the policy's witness keys (hex), the log's own never among them
  const namedVkeys = []; // their verifier keys as the policy gives them (a hand-over's announcement names these)
  const cosigners = new Set(); // those whose cosignature on this checkpoint is valid
  for (const witness of Array.isArray(policy.witnesses) ? policy.witnesses : []) {
    try {
      const verifier = await parseVkey(witness.vkey);
      const key = toHex(verifier.key);
      if (key === logKey || named.has(key)) continue;
      named.add(key);
      namedVkeys.push(witness.vkey);
      const time = await cosignature(note, verifier);
      if (time === null) continue;
      cosigners.add(key);
      times.push(time);
    } catch (error) {
      if (!(error instanceof LogError)) throw error;
    }
  }
  const cosigned = times.length;
  if (typeof policy.quorum === "string")
    throw new LogError(`log/policy.json: the quorum is written ${quoted(policy.quorum, 24)}, not as a whole number`);
  const quorum = Number.isInteger(policy.quorum) ? policy.quorum : 0;

  // A returning visitor: this checkpoint must extend the largest one this browser saw.
  const key = LOG_MEMORY + cp.origin;
  let seen = null;
  try {
    seen = memory ? JSON.parse(memory.getItem(key) ?? "null") : null;
  } catch {
    seen = null;
  }
  let history = "";
  if (seen && Number.isSafeInteger(seen.size) && typeof seen.root === "string") {
    const seenRoot = base64(seen.root);
    if (seen.size > cp.size) {
      throw new LogError(
        `this browser saw a larger log before (${seen.size} entries, now ${cp.size}): a rollback or a split view`,
      );
    }
    const proof = await consistencyProof(tiles, seen.size, cp.size);
    if (!(await verifyConsistency(seen.size, cp.size, seenRoot, cp.root, proof))) {
      throw new LogError(
        `the log is not consistent with the one this browser saw before (${seen.size} entries): a split view`,
      );
    }
    history = `, consistent with the log this browser saw before (${seen.size} entries)`;
  }
  // The witnesses are the site's word (log/policy.json), and a host holding the log's key can name none: a returning
  // visitor's view must be cosigned by the quorum of the witnesses this browser saw the log cosigned by (as a monitor
  // alerts on a policy other than the one saved beside its checkpoint, monitor.py). Else the log key alone vouched
  // for it, and for the index it commits to, which no witness recomputed.
  // (One its own policy's quorum did not cosign fails on that, below.)
  // Each memory this browser holds for the site, whatever the log's name (rememberedWitnesses): a host holding the
  // repository and the site that puts a log key of its own in the governance and publishes its history anew under
  // another name, with a policy naming no witness, would else be judged as a first visit.
  const remembered = rememberedWitnesses(memory, site.root, cp.origin);
  // A hand-over (handover.py): the policy's witnesses and quorum, announced in the log by an entry this browser's
  // remembered checkpoint of this log holds. That checkpoint was cosigned by the quorum of every memory of this log
  // it held then (none is written otherwise), so the witnesses it remembers vouched for the announcement, which is
  // then in the log everyone is shown. Only a memory of this log's name is handed over (another log's announcement
  // names another hash), and only to a quorum of at least one witness.
  const edge = new WithFrontier(tiles, cp.size, frontierOf(policy, cp.size));
  const announced = [];
  if (seen && Number.isSafeInteger(seen.size) && policy.handover !== undefined) {
    try {
      const record = await proven(edge, cp, policy.handover, "log/policy.json handover");
      if (record.kind === "witnesses-announced" && record.index < seen.size) announced.push(record.sha256);
    } catch (error) {
      if (!(error instanceof LogError)) throw error;
      // no hand-over proven: the memories stand, as they did before any was announced
    }
  }
  const handedOver = new Set();
  for (const saw of remembered) {
    if (saw.origin !== cp.origin || announced.length === 0) continue;
    const was = { witnesses: [...saw.witnesses].sort(), quorum: saw.quorum };
    const problem = await handoverProblem(was, { witnesses: namedVkeys, quorum }, cp.origin, announced);
    if (problem === null) handedOver.add(saw.key);
  }
  for (const saw of cosigned >= quorum ? remembered : []) {
    const by = new Set(saw.witnesses.filter((key) => cosigners.has(key))).size;
    if (by < saw.quorum && !handedOver.has(saw.key)) {
      const renamed = saw.origin !== cp.origin;
      throw new LogError(
        `this browser saw ${renamed ? `this site's log (${saw.origin})` : "this log"} cosigned by ${saw.quorum} of ` +
          `the ${saw.witnesses.length} witnesses its policy listed then; this checkpoint` +
          `${renamed ? ` (of the log ${cp.origin})` : ""} is cosigned by ${by} of them (log/policy.json now lists ${named.size}, ` +
          `quorum ${quorum}): a log shown without the witnesses it had (if the registry replaced its witnesses, ` +
          "forgetting this site's data in the browser forgets what it saw)",
      );
    }
  }
  // Remembered only when its quorum of witnesses cosigned it (as a monitor saves only such a checkpoint,
  // monitor.py RunVerdict.may_save): the browser's memory is of the log everyone is shown. One signed by the log key
  // alone (a fork shown to this visitor, larger than the real log) would else make every later view of the log the
  // witnesses cosign fail here as "a rollback or a split view", and that log's growth be judged against the fork.
  // With it, the witnesses' keys and the quorum it must be cosigned by from then on, in each memory: the policy's
  // now when that implies the one remembered there (any set of cosigners meeting it meets the old: `quorum` less the
  // witnesses new here is the old quorum at least), else the one remembered. A policy that only adds a witness, or
  // names none, would else be taken up from a checkpoint the old witnesses cosigned, and a later view cosigned by
  // the new one alone (the host's own) pass. No memory is written weaker than it was, and each is held.
  const policyKeys = [...named].sort();
  const kept = (saw) =>
    saw === undefined ||
    handedOver.has(saw.key) ||
    !(saw.quorum > 0) ||
    quorum - policyKeys.filter((k) => !saw.witnesses.includes(k)).length >= saw.quorum
      ? [policyKeys, quorum]
      : [saw.witnesses, saw.quorum];
  const same = (saw, [witnesses, needs]) => saw !== undefined && saw.quorum === needs && saw.witnesses.join() === witnesses.join();
  const logSaw = remembered.find((m) => m.key === key);
  const siteSaw = remembered.find((m) => m.key.startsWith(SITE_WITNESSES));
  const [witnesses, needs] = kept(logSaw);
  if (memory && cosigned >= quorum && (!seen || !(seen.size >= cp.size) || !same(logSaw, [witnesses, needs]))) {
    try {
      memory.setItem(key, JSON.stringify({ size: cp.size, root: base64Encode(cp.root), witnesses, quorum: needs }));
    } catch {
      // storage full or disabled: the check itself stands
    }
  }
  const forSite = siteSaw === undefined ? [witnesses, needs] : kept(siteSaw);
  if (memory && cosigned >= quorum && !(same(siteSaw, forSite) && siteSaw.origin === cp.origin)) {
    try {
      const [siteWitnesses, siteNeeds] = forSite;
      memory.setItem(
        SITE_WITNESSES + site.root.href,
        JSON.stringify({ origin: cp.origin, witnesses: siteWitnesses, quorum: siteNeeds }),
      );
    } catch {
      // as above
    }
  }

  if (!HEX64.test(hash)) throw new LogError(`not an ${kind} hash`);
  let index = await provenRecord(site, edge, cp, hash, entry, kind, document);
  // A status list given on its own that is its latest version: the last revocation taken back from it, if any.
  let clearedOwn = null;
  if (index !== null && typeof index === "object" && "listed" in index) [index, clearedOwn] = [index.listed, index.cleared];
  if (index === null) return check(ID, LABEL, false, "not recorded in the public log");
  if (typeof index === "object" && "elsewhere" in index) return check(ID, LABEL, false, elsewhereReason(index, kind));
  if (typeof index === "object") {
    return check(
      ID,
      LABEL,
      false,
      `not the public log's latest version of ${entry} (entry ${index.latest}): an older version, superseded, or ` +
        "one never published",
    );
  }

  // Judged by log time: its signing key logged as expired or revoked before the award was logged.
  let retired = null;
  for (const method of signingMethods(document)) {
    // Only the key file of the owner the DID names counts (inclusion.py `signing_keys`): every owner may have a
    // key of this id, and the site's index of a method is the host's word.
    const keyFile = await signingKeyFile(site, method, kind, kind === LIST_KIND ? entry : null);
    if (keyFile === null) continue;
    const keyRel = `log/index/keys/${toHex(await sha256(utf8.encode(method)))}.json`;
    const retirements = await indexed(site, edge, cp, "key", keyFile, keyRel);
    if (retirements === null) {
      // Every logged key has its file: a missing one is withheld, and proves nothing.
      throw new LogError(
        `${keyRel} is missing: the log's index has no line for the key ${keyFile}, so nothing shows it was not retired`,
      );
    }
    for (const entry of retirements) {
      if (entry.index < index && (retired === null || entry.index < retired.index)) retired = entry;
    }
  }

  // The status list the award's status was judged by: its served bytes must be the log's latest version of it.
  let binding = null;
  const used = kind === LIST_KIND ? null : await statusListUsed(site, document, kind);
  if (used !== null) {
    const { latest, cleared } = await listVersions(site, edge, cp, used.path);
    const digest = toHex(await sha256(utf8.encode(used.text)));
    binding = {
      path: used.path,
      latest: latest?.index ?? null,
      holds: latest !== null && latest.sha256 === digest,
      cleared: cleared?.index ?? null,
    };
  }

  const cosignedAt = quorumCosignature(times, quorum, now);
  const reason =
    `recorded in the public log as entry ${index} of ${cp.size}, checkpoint signed by the registry` +
    (cosigned === 0 && quorum <= 0 ? UNWITNESSED : ` and cosigned by ${cosigned} of ${quorum} witnesses`) +
    `${freshness(cosignedAt, now, quorum)}${history}` +
    // generator/transparency/demo.py: a log published with a key made for one build and thrown away.
    (policy.demo === true ? " (a demo log, signed by a throwaway key made for this build: it guarantees nothing)" : "");
  // A status list given on its own is its latest version here (provenRecord): no list of its own to bind.
  const [holds, listed] =
    kind === LIST_KIND ? [true, `; it is the log's latest version of ${entry}${takenBack(entry, clearedOwn)}`] : listClause(binding);
  if (retired !== null) {
    const what = RETIRED_AS[retired.kind] ?? CHANGED_AS;
    return check(
      ID,
      LABEL,
      false,
      `${reason}; but its signing key ${retired.path} was logged as ${what} before it (entry ${retired.index}): ` +
        "it was published after the key was retired, whatever date its signature claims",
    );
  }
  if (!holds) return check(ID, LABEL, false, reason + listed);
  if (cosigned < quorum) return check(ID, LABEL, false, `${reason}${listed} (quorum not reached)`);
  return check(ID, LABEL, true, reason + listed);
}
