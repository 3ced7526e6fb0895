// eddsa-rdfc-2022 in the browser: RDF Dataset Canonicalization (RDFC-1.0) with the vendored jsonld (which bundles
// rdf-canonize), loaded only when such a proof must be checked (a file that is not an award the build published
// as it is). Contexts are served only from the bundled copies (generator/crypto/contexts, fetched once from this
// site's assets); an unknown context is an error, never a network request.

import jsonld from "./vendor/jsonld-9.0.0.esm.min.js";
import { ProofError, unsecuredFor, verifyWithHash } from "./dataintegrity.js";

const CONTEXTS = new URL("./contexts/", import.meta.url);
let index = null;
const cache = new Map();

async function readJson(url) {
  if (url.protocol === "file:") {
    // Node (the differential tests): the same files, read from disk.
    const { readFile } = await import("node:fs/promises");
    return JSON.parse(await readFile(url, "utf8"));
  }
  const response = await fetch(url);
  if (!response.ok) throw new ProofError(`the bundled JSON-LD context ${url} cannot be read`);
  return response.json();
}

async function loadContext(url) {
  if (index === null) index = await readJson(new URL("index.json", CONTEXTS));
  if (!Object.hasOwn(index, url)) throw new ProofError(`unknown JSON-LD context ${JSON.stringify(url)}`);
  if (!cache.has(url)) cache.set(url, await readJson(new URL(index[url], CONTEXTS)));
  return { contextUrl: null, documentUrl: url, document: cache.get(url) };
}

async function canonical(document) {
  return jsonld.canonize(document, {
    algorithm: "RDFC-1.0",
    format: "application/n-quads",
    documentLoader: loadContext,
    safe: true, // a term the contexts do not define is an error, not silently dropped
  });
}

/**
 * Where the first number beyond ±(2**53 − 1) is in `value`, in document order ("a.b[2]"), or null: rdfc.py
 * _unsafe_number_path. Python reads 9007199254740993 exactly and this page reads 9007199254740992, so the N-Quads
 * of one JSON text would differ; neither side signs or checks a proof over such a number (rdfc.py _has_unsafe_number,
 * the same rule on the value, as a double here cannot show how the number was written).
 */
export function unsafeNumberPath(value) {
  const stack = [["", value]];
  while (stack.length) {
    const [where, item] = stack.pop();
    if (typeof item === "number") {
      if (!(Math.abs(item) <= Number.MAX_SAFE_INTEGER)) return where;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([`${where}[${i}]`, item[i]]);
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i];
        stack.push([where ? `${where}.${key}` : key, member]);
      }
    }
  }
  return null;
}

/** rdfc.py unsafe_number_reason, in the same words. */
function unsafeNumberReason(where) {
  return (
    `${where || "a value"}: a number beyond ±(2**53 − 1), which JavaScript JSON-LD processors (the verification` +
    " page's, other verifiers') do not read as written: a proof over it could hold here only"
  );
}

/** Check one eddsa-rdfc-2022 proof: resolves to {ok, reason}. */
export async function verifyRdfcProof(document, proof, publicKey) {
  return verifyWithHash(document, proof, publicKey, "eddsa-rdfc-2022", async (doc, config) => {
    for (const part of [config, doc]) {
      const where = unsafeNumberPath(part);
      if (where !== null) throw new ProofError(unsafeNumberReason(where));
    }
    try {
      return [await canonical(config), await canonical(doc)];
    } catch (error) {
      if (error instanceof ProofError) throw error;
      const cause = error && error.details ? error.details.cause : null; // jsonld wraps the loader's errors
      if (cause instanceof ProofError) throw cause;
      throw new ProofError(`cannot be processed as JSON-LD: ${error && error.message ? error.message : error}`);
    }
  });
}

export { unsecuredFor };
