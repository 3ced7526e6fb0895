// The published verification data, fetched file by file (see generator/publish/verifydata.py):
// verify/index.json, verify/shards/<prefix>.json.gz, verify/templates/<id>.json.gz (both stored gzipped, and
// decompressed here; a shard only as verify/digests/<group>.json on the site lists it), verify/achievements/<sha>.json,
// verify/records/<id>.json, issuers/<id>/keys.json, issuers/<id>/credential-dates.json and
// issuers/<id>/status/<n>.json, all relative to the site root; shards, templates and achievements relative to the
// index's `data_url` instead when it names one (object storage behind a CDN), and so are the public log's tiles
// (tlog.js). Each file is fetched at most once per verification (a SiteData lives for one: verify.js makes one
// for each), and every fetch is revalidated with its host (fetchLoader), so that no verdict rests on a status list,
// revocation, shard or key older than what the registry serves when the visitor asks (docs/hosting.md "How fresh a verdict is").

import { EncodingError, base64UrlDecode, decompressBounded, sha256Hex, toHex } from "./encoding.js";
import { jsonCopy, parseJSON } from "./jcs.js";

export class DataError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isHash(value) {
  return typeof value === "string" && HEX64.test(value);
}

/** A registry id (issuer or credential slug) that is safe to put in a path. */
export function isId(value) {
  return typeof value === "string" && ID.test(value) && value !== "." && value !== "..";
}

function own(object, key) {
  return object !== null && typeof object === "object" && Object.hasOwn(object, key) ? object[key] : undefined;
}

// Every file the page reads is read as credreg reads one (generator/_internal/source.py read_json_bytes): its bytes
// as UTF-8, strictly, a byte-order mark kept (so that the JSON reader refuses it). response.text() and a default
// TextDecoder drop the mark and replace bytes that are not UTF-8: the page read files credreg refuses, and hashed
// for the log check (tlog.js: a status list against its logged version) other bytes than the host served.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text of a published file's bytes, exactly; DataError when they are not UTF-8. */
export function strictText(bytes, path) {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new DataError(`${path} is not UTF-8 text`);
  }
}

/**
 * The most bytes the page reads of any one file, as served (after the browser undid a `Content-Encoding`): far
 * above any file the build writes (a shard is ~20 KB, a status list at most 4 MiB: statuslist.py MAX_LIST_BYTES).
 * A bound, not a budget: a data host answering without end, or with a small gzip the browser inflates to gigabytes,
 * had the page read until the tab ran out of memory (credreg verify stops at log.py MAX_FILE).
 */
export const MAX_READ = 16 * 1024 * 1024;

/** Seconds one file has to be served whole (log.py FETCH_TIMEOUT): a host trickling a byte now and then kept the
 * page checking for ever. */
export const READ_SECONDS = 30;

/**
 * GET `url` and its body within MAX_READ bytes and READ_SECONDS: the bytes, or null for 404 (only a 404 means
 * "there is no such file"; any other status is an error, never an answer). Every reader of the page's files reads
 * through this one function (fetchLoader below, tlog.js bytesReader, endorsements.js fetchJSON for the credential
 * pages' badges, verify.js for the badge image it bakes); `Failure` is the error class it throws.
 */
export async function fetchBounded(url, path, Failure, init = {}) {
  const controller = new AbortController();
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    controller.abort();
  }, READ_SECONDS * 1000);
  const failed = (error) =>
    new Failure(late ? `could not load ${path}: not served whole within ${READ_SECONDS} s` : `could not load ${path}: ${error.message || "network error"}`);
  try {
    let response;
    try {
      response = await fetch(url, { ...init, signal: controller.signal });
    } catch (error) {
      throw failed(error);
    }
    if (response.status === 404) {
      controller.abort(); // its body is not read
      return null;
    }
    if (!response.ok) {
      controller.abort();
      throw new Failure(`could not load ${path}: HTTP ${response.status}`);
    }
    const reader = response.body.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      let part;
      try {
        part = await reader.read();
      } catch (error) {
        throw failed(error);
      }
      if (part.done) break;
      total += part.value.length;
      if (total > MAX_READ) {
        controller.abort();
        throw new Failure(`${path} is larger than ${MAX_READ} bytes, more than any file of the registry's`);
      }
      chunks.push(part.value);
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How the page asks for the registry's data: revalidated with the host every time (`cache: "no-cache"`: a
 * conditional GET, answered 304 with no body when the file is unchanged). Static hosts let a browser keep a file
 * for minutes without asking (GitHub Pages: max-age=600): a revocation published in between was not seen, and
 * the page said "valid". Every reader of verdict data reads with it (fetchLoader, tlog.js bytesReader,
 * endorsements.js fetchJSON).
 */
export const REVALIDATE = Object.freeze({ credentials: "same-origin", cache: "no-cache" });

/** Fetch relative to the site root; resolves to the response text (bytes if `binary`), or null for 404. */
export function fetchLoader(root) {
  return async (path, { binary = false } = {}) => {
    const bytes = await fetchBounded(new URL(path, root), path, DataError, REVALIDATE);
    if (bytes === null) return null;
    return binary ? bytes : strictText(bytes, path);
  };
}

const MAX_GUNZIPPED = 16 * 1024 * 1024; // far above any shard or template: a bound, not a budget

/**
 * The text of a file stored gzipped. A host that sends it with `Content-Encoding: gzip` has the browser
 * decompress it already: then the bytes are the text itself (JSON never starts with gzip's magic 1f 8b).
 */
async function gunzipText(bytes, path) {
  return strictText(await gunzipBytes(bytes, path), path);
}

/** The bytes of a file stored gzipped, as the page parses them (gunzipText without the decoding). */
async function gunzipBytes(bytes, path) {
  if (!(bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  let out;
  try {
    out = await decompressBounded(bytes, "gzip", MAX_GUNZIPPED);
  } catch (error) {
    throw new DataError(`${path} cannot be decompressed: ${error.message || error}`);
  }
  if (out === null) throw new DataError(`${path} decompresses to more than ${MAX_GUNZIPPED} bytes`);
  return out;
}

/**
 * The site file verify/digests/<group>.json holding shard `name`'s digest (verifydata.py `digest_group`).
 */
export function digestGroup(name) {
  return name.slice(0, -2) || "all";
}

/**
 * The one rule for a shard read from wherever the bulk data is (verifydata.py `checked_shard`, held equal by
 * tests/site/test_shard_digests_js.py): the site's digest file `digests` (parsed; null when the site has none)
 * decides. A shard it does not list: null (no award has a hash in it), never read. A listed one: its bytes from
 * `read` (gunzipped), which must hash to the listed SHA-256; a 404 (null) is the data host withholding it.
 */
export async function checkedShard(digests, name, read, where = "verify/digests") {
  const file = `${where}/${digestGroup(name)}.json`;
  if (digests === null) throw new DataError(`${file} is missing: the site publishes no digest of shard ${name}`);
  if (
    typeof digests !== "object" || Array.isArray(digests) ||
    !Object.values(digests).every((v) => typeof v === "string" && HEX64.test(v))
  ) {
    throw new DataError(`${file} is malformed`);
  }
  const want = own(digests, name);
  if (want === undefined) return null;
  const data = await read();
  if (data === null) throw new DataError(`shard ${name} is withheld by the data host: the site publishes it, the data host answers 404`);
  if ((await sha256Hex(data)) !== want) {
    throw new DataError(`the data host's shard ${name} is not the one the site published (its SHA-256 differs; a cache in front of the data host may still hold an earlier build's copy for a few minutes after the registry is published)`);
  }
  return data;
}

export class SiteData {
  /**
   * What one verification reads of the registry, each file once, so that all its checks read the same bytes (a
   * status list parsed for the verdict is the one compared with the log). Made anew for each verification: kept
   * longer, it answered a later lookup with files from before a publish (verify.js Page.busy).
   * @param {URL|string} root  the site root (the verify page's parent folder), ending in "/"
   * @param {(path: string) => Promise<string|null>} [load]  how to read a file (default: fetch)
   */
  constructor(root, load) {
    this.root = new URL(root);
    this.load = load ?? fetchLoader(this.root);
    this.cache = new Map();
    this.texts = new Map();
  }

  /**
   * A file's text as served, once per page: what the page parsed is what it hashes (tlog.js, a status list). Read
   * as bytes and decoded here (strictText), whatever the loader: the text is the served bytes, or refused.
   */
  text(path) {
    if (!this.texts.has(path)) {
      const bytes = this.load(path, { binary: true });
      this.texts.set(path, bytes.then((data) => (data === null ? null : strictText(data, path))));
    }
    return this.texts.get(path);
  }

  /** An absolute URL on this site, for links. */
  url(path) {
    return new URL(path, this.root).href;
  }

  /** A JSON file, once per page; `.json.gz` files are decompressed. */
  json(path) {
    if (!this.cache.has(path)) {
      const gz = path.endsWith(".json.gz");
      this.cache.set(
        path,
        (gz ? this.load(path, { binary: true }) : this.text(path)).then(async (data) => {
          if (data === null) return null;
          const text = gz ? await gunzipText(data, path) : data;
          try {
            return parseJSON(text);
          } catch (error) {
            throw new DataError(`${path} is not valid JSON: ${error.message}`);
          }
        }),
      );
    }
    return this.cache.get(path);
  }

  async index() {
    const index = await this.json("verify/index.json");
    if (index === null) throw new DataError("this site publishes no verification data (verify/index.json is missing)");
    const bits = own(index, "shard_bits");
    const issuers = own(index, "issuers");
    if (!Number.isInteger(bits) || bits < 1 || bits > 48 || typeof issuers !== "object" || issuers === null) {
      throw new DataError("verify/index.json is malformed");
    }
    return index;
  }

  /** The registry issuer id of a DID, or null. */
  async issuerOf(did) {
    const index = await this.index();
    const id = typeof did === "string" ? own(index.issuers, did) : undefined;
    return isId(id) ? id : null;
  }

  /**
   * Each registered issuer's name by its id (verify/issuer-names.json, apart from the index: read only for a
   * credential of an issuer not registered here; none from an older build).
   */
  async issuerNames() {
    const names = await this.json("verify/issuer-names.json");
    return typeof names === "object" && names !== null && !Array.isArray(names) ? names : {};
  }

  /** The DID of a registry issuer, or null. */
  async didOf(issuerId) {
    const index = await this.index();
    for (const [did, id] of Object.entries(index.issuers)) if (id === issuerId) return did;
    return null;
  }

  /** The index's data_url (object storage for the bulk data), or null when the bulk is on this site. */
  async dataUrl() {
    const base = own(await this.index(), "data_url");
    if (base === null || base === undefined) return null;
    if (typeof base !== "string" || !/^https?:\/\/[^/]/.test(base) || !base.endsWith("/")) {
      throw new DataError("verify/index.json names a malformed data_url");
    }
    return base;
  }

  /** Where a file of the bulk data (shards/, templates/, achievements/) is: the index's data_url or verify/. */
  async dataPath(path) {
    const base = await this.dataUrl();
    return base === null ? `verify/${path}` : new URL(path, base).href;
  }

  /**
   * Where a tile or entry bundle of the public log (tile/…) is: under the data_url's log/ when the bulk data is
   * there, else the site's log/. The checkpoint, policy and key records are always the site's.
   */
  async logTilePath(path) {
    const base = await this.dataUrl();
    return base === null ? `log/${path}` : new URL(`log/${path}`, base).href;
  }

  /**
   * The shard entry ({issuer, credential, award, revocation?, log?}) for an award hash, or null. A lean entry
   * ({t, v}) is rebuilt from its template; the award's achievement stays {"$achievement": sha}, and the caller
   * checks the hash of what it reassembles.
   */
  async entry(hash) {
    if (!isHash(hash)) return null;
    const index = await this.index();
    const shard = await this.shard(shardName(hash, index.shard_bits));
    if (shard === null) return null;
    let entry = own(own(shard, "awards"), hash);
    if (entry === undefined) return null;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new DataError(`the published entry for ${hash} is malformed`);
    }
    if (Object.hasOwn(entry, "t")) {
      const id = entry.t;
      const template = typeof id === "string" && /^[0-9a-f]{1,64}$/.test(id)
        ? await this.json(await this.dataPath(`templates/${id}.json.gz`))
        : null;
      if (template === null) throw new DataError(`the template of the published entry for ${hash} is missing`);
      let award;
      try {
        award = rebuild(template, entry.v);
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        throw new DataError(`the published entry for ${hash} cannot be rebuilt: ${error.message}`);
      }
      // Beside the award: revocation, log. What the template and the values make is never overridden.
      const rest = Object.entries(entry).filter(([key]) => !LEAN_OWN.has(key));
      entry = { ...Object.fromEntries(rest), issuer: own(template, "issuer"), credential: own(template, "credential"), award };
    }
    if (typeof entry.award !== "object" || entry.award === null || Array.isArray(entry.award)) {
      throw new DataError(`the published entry for ${hash} is malformed`);
    }
    return entry;
  }

  /**
   * A shard, parsed, or null when the site lists no such shard (no award has a hash in it): the site's digest
   * file decides (checkedShard), so a data host can withhold a shard, never add or change one. Once per page.
   */
  shard(name) {
    const key = `shard:${name}`;
    if (!this.cache.has(key)) {
      this.cache.set(key, (async () => {
        const path = await this.dataPath(`shards/${name}.json.gz`);
        const digests = await this.json(`verify/digests/${digestGroup(name)}.json`);
        const read = async () => {
          const bytes = await this.load(path, { binary: true });
          return bytes === null ? null : gunzipBytes(bytes, path);
        };
        let data;
        try {
          data = await checkedShard(digests, name, read);
        } catch (error) {
          if (!(error instanceof DataError)) throw error;
          throw new DataError(`${path}: ${error.message}`);
        }
        if (data === null) return null;
        try {
          return parseJSON(strictText(data, path));
        } catch (error) {
          if (error instanceof DataError) throw error;
          throw new DataError(`${path} is not valid JSON: ${error.message}`);
        }
      })());
    }
    return this.cache.get(key);
  }

  /** A published achievement (null if there is none with this hash). Its hash is the caller's to check. */
  /** What checking an endorsement reads of the registry (verify/endorsements.json: verifydata.py endorsement_lookup). */
  async endorsements() {
    const data = await this.json("verify/endorsements.json");
    const ok = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
    if (!ok(data) || !ok(own(data, "endorsements")) || !Array.isArray(own(data, "endorsers"))) {
      throw new DataError("verify/endorsements.json is missing or malformed");
    }
    return data;
  }

  /** The published endorsement with this hash (as `credreg verify HASH` finds it), or null. */
  async endorsement(hash) {
    // A site built before endorsements were published for the page has none to find (its unknown hash stays unknown).
    if ((await this.json("verify/endorsements.json")) === null) return null;
    const { endorsements } = await this.endorsements();
    const path = isHash(hash) ? own(endorsements, hash) : undefined;
    if (typeof path !== "string") return null;
    if (!/^(?:endorsers|issuers)\/[a-z0-9]+(?:-[a-z0-9]+)*\/endorsements\/[0-9a-f]{64}\.json$/.test(path)) {
      throw new DataError(`verify/endorsements.json names no endorsement file for ${hash}`);
    }
    const doc = await this.json(path);
    if (doc === null) throw new DataError(`${path} is not published`);
    return doc;
  }

  /**
   * The issuer of this registry that owns what an endorsement names: a credential page of this site (a definition
   * in verify/records/<issuer>.json) or an issuer's DID; null for anything else (endorsements.py _subject_owner).
   */
  async subjectOwner(id) {
    const index = await this.index();
    const prefix = `${index.site_url}credentials/`;
    if (typeof id === "string" && id.startsWith(prefix)) {
      const [issuer, slug] = id.slice(prefix.length).split("/");
      const issuers = new Set(Object.values(index.issuers));
      // The page's id exactly, as Python compares it with registry.credential_url: ".../slug//x" is no id of it.
      if (id === `${prefix}${issuer}/${slug}/` && isId(issuer) && issuers.has(issuer) && isId(slug)) {
        if (Object.hasOwn((await this.records(issuer)).credentials, slug)) return issuer;
      }
    }
    return this.issuerOf(id);
  }

  async achievement(sha) {
    return isHash(sha) ? this.json(await this.dataPath(`achievements/${sha}.json`)) : null;
  }

  /** What the issuer's awards must say about it and its credentials (verify/records/<issuer>.json). */
  async records(issuerId) {
    const records = isId(issuerId) ? await this.json(`verify/records/${issuerId}.json`) : null;
    const credentials = own(records, "credentials");
    if (own(records, "issuer") !== issuerId || typeof own(records, "profile") !== "object" || typeof credentials !== "object" || credentials === null) {
      throw new DataError(`verify/records/${issuerId}.json is missing or malformed`);
    }
    return records;
  }

  async keys(issuerId) {
    if (!isId(issuerId)) return null;
    return this.json(`issuers/${issuerId}/keys.json`);
  }

  /** The date (YYYY-MM-DD) a credential of this registry was first published (issuers/<id>/credential-dates.json). */
  async credentialCreated(issuerId, slug) {
    const doc = isId(issuerId) ? await this.json(`issuers/${issuerId}/credential-dates.json`) : null;
    const created = own(own(doc, "created"), slug);
    if (typeof created !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(created)) {
      throw new DataError(`issuers/${issuerId}/credential-dates.json is missing or has no date for ${slug}`);
    }
    return created;
  }

  statusList(issuerId, number) {
    if (!isId(issuerId) || !Number.isSafeInteger(number) || number < 0) return Promise.resolve(null);
    return this.json(`issuers/${issuerId}/status/${number}.json`);
  }
}

const LEAN_OWN = new Set(["t", "v", "issuer", "credential", "award"]);
export const LAST_SECOND = 253402300799; // 9999-12-31T23:59:59Z

function unb64(value) {
  try {
    return base64UrlDecode(value);
  } catch (error) {
    if (error instanceof EncodingError) throw new DataError(`a value is not canonical base64url`);
    throw error;
  }
}

/**
 * A value stored compactly, as the award has it: "hex" (bytes as base64url, written in lowercase hex), "uuid"
 * (16 bytes as base64url, written 8-4-4-4-12), "time" (seconds since 1970 in base 36, written
 * YYYY-MM-DDTHH:MM:SSZ). generator/publish/verifydata.py `_decode` is the same.
 */
function decode(codec, value) {
  if (codec === "hex") return toHex(unb64(value));
  if (codec === "uuid") {
    const bytes = unb64(value);
    if (bytes.length !== 16) throw new DataError("a uuid value is not 16 bytes");
    const h = toHex(bytes);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (codec === "time") {
    const seconds = /^(0|[1-9a-z][0-9a-z]*)$/.test(value) ? parseInt(value, 36) : NaN;
    if (!(seconds <= LAST_SECOND)) throw new DataError("a time value is not base 36 seconds");
    return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
  }
  throw new DataError(`unknown codec ${JSON.stringify(codec)}`);
}

function step(node, key) {
  if (Array.isArray(node) ? Number.isInteger(key) && key >= 0 && key < node.length : typeof key === "string" && node !== null && typeof node === "object" && Object.hasOwn(node, key)) {
    return node[key];
  }
  throw new DataError(`a hole's path step ${JSON.stringify(key)} is not in the template`);
}

/**
 * The award a lean entry stands for: the template's skeleton (a copy) with each hole, [path, part…], set to its
 * parts joined (a string part as it is, a number: that value of the entry). Only what is there is replaced,
 * nothing added. generator/publish/verifydata.py `rebuild` is the same rule; throws DataError when malformed.
 */
export function rebuild(template, values) {
  const holes = own(template, "holes");
  if (!Array.isArray(holes) || !Array.isArray(values) || !values.every((v) => typeof v === "string")) {
    throw new DataError("a template needs holes and an entry string values");
  }
  const award = jsonCopy(own(template, "award") ?? null);
  for (const hole of holes) {
    if (!Array.isArray(hole) || hole.length < 2 || !Array.isArray(hole[0]) || hole[0].length === 0) {
      throw new DataError("a template has a malformed hole");
    }
    const [path, ...parts] = hole;
    const isIndex = (i) => Number.isInteger(i) && i >= 0 && i < values.length;
    const text = parts.map((part) => {
      if (typeof part === "string") return part;
      if (isIndex(part)) return values[part];
      if (Array.isArray(part) && part.length === 2 && typeof part[0] === "string" && isIndex(part[1])) {
        return decode(part[0], values[part[1]]);
      }
      throw new DataError(`a hole's part ${JSON.stringify(part)} is neither a string nor a value's index`);
    });
    let parent = award;
    for (const key of path.slice(0, -1)) parent = step(parent, key);
    step(parent, path.at(-1));
    Object.defineProperty(parent, path.at(-1), { value: text.join(""), writable: true, enumerable: true, configurable: true });
  }
  return award;
}

/**
 * The shard holding an award hash: its first `bits` bits, written as the hex digits that hold them with the
 * bits beyond cleared (generator/publish/verifydata.py `shard_name` is the same function).
 */
export function shardName(hash, bits) {
  const digits = Math.ceil(bits / 4);
  const value = parseInt(hash.slice(0, digits), 16);
  const cleared = value - (value % 2 ** (4 * digits - bits));
  return cleared.toString(16).padStart(digits, "0");
}
