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

// What other RDFC-1.0 implementations canonicalize otherwise than pyld 3.3.0, which credreg verify runs on
// (generator/crypto/rdfc.py _number_problem, _text_problem): neither side signs or checks a proof over it, so both
// give one answer, whoever made the proof.
const UNESCAPED_BY_PYLD = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const TINY = 1e-6;
const DOUBLE_DIGITS = 16;

function numberProblem(number) {
  if (!(Math.abs(number) <= Number.MAX_SAFE_INTEGER))
    return "a number beyond ±(2**53 − 1), which JavaScript reads as another number";
  if (!Number.isInteger(number)) {
    if (Math.abs(number) < TINY) return "a number below 10**-6, which JavaScript JSON-LD processors canonicalize as 0";
    // The double's exact decimal digits (at most some 70 for a non-integer of at least 10**-6 and below 2**53).
    const digits = Math.abs(number).toPrecision(100).replace(".", "").replace(/^0+/, "");
    const rest = digits.slice(DOUBLE_DIGITS);
    if (rest[0] === "5" && /^0*$/.test(rest.slice(1)))
      return "a number halfway between two 16-digit decimals, which JSON-LD processors round either way";
  }
  return null;
}

function textProblem(text) {
  const found = UNESCAPED_BY_PYLD.exec(text);
  if (found === null) return null;
  const code = found[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
  return `text holding U+${code}, which canonical N-Quads write escaped and pyld as it is`;
}

/** The first such value of `value` in document order (a key before its value), as [path, problem], or null. */
export function firstUnportable(value) {
  const stack = [["", value, false]];
  while (stack.length) {
    const [where, item, isKey] = stack.pop();
    let problem = null;
    if (typeof item === "string") problem = textProblem(item);
    else if (typeof item === "number") problem = numberProblem(item);
    else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([`${where}[${i}]`, item[i], false]);
    } else if (item !== null && typeof item === "object" && !isKey) {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i];
        const path = where ? `${where}.${key}` : key;
        stack.push([path, member, false], [path, key, true]);
      }
    }
    if (problem !== null) return [where, problem];
  }
  return null;
}

/** rdfc.py unportable_reason, in the same words. */
export function unportableReason(where, problem) {
  return `${where || "a value"}: ${problem}: a proof over it could hold here only, never in other verifiers`;
}

/** Check one eddsa-rdfc-2022 proof: resolves to {ok, reason}. */
export async function verifyRdfcProof(document, proof, publicKey) {
  return verifyWithHash(document, proof, publicKey, "eddsa-rdfc-2022", async (doc, config) => {
    for (const part of [config, doc]) {
      const found = firstUnportable(part);
      if (found !== null) throw new ProofError(unportableReason(...found));
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
