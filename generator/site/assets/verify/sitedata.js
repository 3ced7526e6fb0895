// The published verification data, fetched file by file (see generator/publish/verifydata.py):
// verify/index.json, verify/shards/<prefix>.json, verify/achievements/<sha>.json, verify/records/<id>.json,
// issuers/<id>/keys.json, issuers/<id>/credential-dates.json and issuers/<id>/status/<n>.json, all relative to the
// site root. Each file is fetched at most once per page.

import { parseJSON } from "./jcs.js";

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

/** Fetch relative to the site root; resolves to the response text, or null for 404. */
export function fetchLoader(root) {
  return async (path) => {
    let response;
    try {
      response = await fetch(new URL(path, root), { credentials: "same-origin" });
    } catch (error) {
      throw new DataError(`could not load ${path}: ${error.message || "network error"}`);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new DataError(`could not load ${path}: HTTP ${response.status}`);
    return response.text();
  };
}

export class SiteData {
  /**
   * @param {URL|string} root  the site root (the verify page's parent folder), ending in "/"
   * @param {(path: string) => Promise<string|null>} [load]  how to read a file (default: fetch)
   */
  constructor(root, load) {
    this.root = new URL(root);
    this.load = load ?? fetchLoader(this.root);
    this.cache = new Map();
  }

  /** An absolute URL on this site, for links. */
  url(path) {
    return new URL(path, this.root).href;
  }

  json(path) {
    if (!this.cache.has(path)) {
      this.cache.set(
        path,
        this.load(path).then((text) => {
          if (text === null) return null;
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

  /** The DID of a registry issuer, or null. */
  async didOf(issuerId) {
    const index = await this.index();
    for (const [did, id] of Object.entries(index.issuers)) if (id === issuerId) return did;
    return null;
  }

  /** The shard entry ({issuer, credential, award, revocation?}) for an award hash, or null. */
  async entry(hash) {
    if (!isHash(hash)) return null;
    const index = await this.index();
    const shard = await this.json(`verify/shards/${shardName(hash, index.shard_bits)}.json`);
    if (shard === null) return null;
    const entry = own(own(shard, "awards"), hash);
    if (entry === undefined) return null;
    if (typeof entry !== "object" || entry === null || typeof entry.award !== "object" || entry.award === null) {
      throw new DataError(`the published entry for ${hash} is malformed`);
    }
    return entry;
  }

  /** A published achievement (null if there is none with this hash). Its hash is the caller's to check. */
  achievement(sha) {
    return isHash(sha) ? this.json(`verify/achievements/${sha}.json`) : Promise.resolve(null);
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
