// eddsa-rdfc-2022 in the browser: RDF Dataset Canonicalization (RDFC-1.0) with the vendored jsonld (which bundles
// rdf-canonize), loaded only when such a proof must be checked (a file that is not an award the build published
// as it is). Contexts are served only from the bundled copies (generator/crypto/contexts, fetched once from this
// site's assets); an unknown context is an error, never a network request.

import jsonld from "./vendor/jsonld-9.0.0.esm.min.js";
import { ProofError, isObject, unsecuredFor, verifyWithHash } from "./dataintegrity.js";
import { byCodePoint } from "./text.js";

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

export async function canonical(document) {
  const options = {
    documentLoader: loadContext,
    safe: true, // a term the contexts do not define is an error, not silently dropped
  };
  // Expanded first, so that what pyld and jsonld.js make of an expanded value otherwise is refused (expandedProblem);
  // canonicalizing the expanded form gives the same N-Quads.
  const expanded = await jsonld.expand(document, options);
  const problem = expandedProblem(expanded);
  if (problem !== null) throw new ProofError(problem);
  // rdfc.py MAX_BLANK_NODES: counted in the dataset rdf-canonize is given, before it copies issuers of that many.
  const blankNodes = new Set();
  for (const quad of await jsonld.toRDF(expanded, options)) {
    for (const term of [quad.subject, quad.object, quad.graph]) {
      if (term.termType === "BlankNode") blankNodes.add(term.value);
    }
  }
  if (blankNodes.size > MAX_BLANK_NODES) throw new ProofError(blankNodesReason(blankNodes.size));
  try {
    return await jsonld.canonize(expanded, { ...options, algorithm: "RDFC-1.0", format: "application/n-quads" });
  } catch (error) {
    // rdf-canonize's guard against poison datasets (maxWorkFactor 1, its default): rdfc.py counts the same
    // Hash N-Degree Quads calls against the same limit, and says so in the same words.
    const limit = /^Maximum deep iterations exceeded \((\d+)\)\.$/.exec(String(error?.message ?? ""));
    if (limit !== null) throw new ProofError(workLimitReason(Number(limit[1])));
    throw error;
  }
}

/** rdfc.py MAX_BLANK_NODES: blank nodes a dataset may hold. */
export const MAX_BLANK_NODES = 600;

/** rdfc.py blank_nodes_reason: the same words. */
export function blankNodesReason(count) {
  return (
    `RDF canonicalization refused: the document holds ${count} blank nodes (objects without an id, or ids` +
    ` "_:…"), more than the ${MAX_BLANK_NODES} a credential may hold here`
  );
}

/** rdfc.py work_limit_reason: the same words. */
export function workLimitReason(limit) {
  return (
    "RDF canonicalization gave up: the document's blank nodes are too alike to tell apart in reasonable time" +
    ` (Hash N-Degree Quads work limit reached: more than ${limit} steps, one per blank node not told apart` +
    " by its own statements)"
  );
}

// --- compactform.py rule 5: the compact form of a credential of an issuer not registered here ------------------

export const MAX_REPORTED = 5;
// No id or type here is a relative reference (compactform.py rule 5, policies.js jsonFormProblems, refuses each
// one before this runs), so no base decides what one means: pyld would resolve it against its made-up base, and
// jsonld.js against the one it is given (none here: never the page's address).

/** compactform.py _same_value: equal as JSON-LD values, `a` as written and `b` as compaction gives it back. */
function sameValue(a, b) {
  if (Array.isArray(a) && a.length === 1 && !Array.isArray(b)) a = a[0];
  if (Array.isArray(b) && b.length === 1 && !Array.isArray(a)) b = b[0];
  if (isObject(a) && typeof b === "string") {
    const keys = Object.keys(a);
    if (keys.length === 1 && keys[0] === "id") a = a.id;
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length || !keys.every((k) => Object.hasOwn(b, k))) return false;
    return keys.every((k) => sameValue(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (Array.isArray(a) || Array.isArray(b) || isObject(a) || isObject(b)) return false;
  return a === b;
}

function withoutKeys(document, keys) {
  return Object.fromEntries(Object.entries(document).filter(([k]) => !keys.includes(k)));
}

/** compactform.py compact_form_problems, its rule 6 (after rules 1-5, policies.js jsonFormProblems): with the proofs
 * left out, compacting the expanded document with its own context gives the document back; the same words. */
export async function roundTripProblems(document) {
  const unsecured = withoutKeys(document, ["proof"]);
  const options = { documentLoader: loadContext };
  let compacted;
  try {
    const expanded = await jsonld.expand(unsecured, { ...options, base: null });
    // (and no IRI made relative to a base: pyld's compaction makes none)
    compacted = await jsonld.compact(expanded, { "@context": unsecured["@context"] }, { ...options, base: null });
  } catch {
    return ["the credential cannot be processed as JSON-LD: JsonLdError"]; // pyld raises its JsonLdError
  }
  compacted = withoutKeys(compacted, ["@context"]);
  const ours = withoutKeys(unsecured, ["@context"]);
  if (sameValue(ours, compacted)) return [];
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(compacted)])]
    .filter((k) => !(Object.hasOwn(ours, k) && Object.hasOwn(compacted, k) && sameValue(ours[k], compacted[k])))
    .sort(byCodePoint);
  return [
    "the credential is not in compact form: its JSON does not read as the graph it signs " +
      `(differs at ${keys.slice(0, MAX_REPORTED).join(", ")})`,
  ];
}

const XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double";
// rdfc.py _NOT_IN_IRIREF: what N-Quads' IRIREF excludes (pyld writes it as it is, rdf-canonize escapes it), and
// U+0085 and U+FEFF, white space to Python's regular expressions or JavaScript's only.
const NOT_IN_IRIREF = /[\x00-\x20<>"{}|^`\\\x85\ufeff]/;
// rdfc.py _DECIMAL: text typed xsd:double that parseFloat (here) and float() (pyld) read as the same number.
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** rdfc.py _typed_double_problem: what makes a value typed xsd:double canonicalize otherwise in pyld, or null. */
function typedDoubleProblem(value) {
  let number = value;
  if (typeof value === "string") {
    if (!DECIMAL.test(value))
      return "text typed xsd:double that is no plain decimal number, which JSON-LD processors read apart";
    number = parseFloat(value);
    if (!Number.isFinite(number))
      return "text typed xsd:double beyond the largest double, which JSON-LD processors write apart";
    if (!Number.isInteger(number) && halfway(number))
      return "a number halfway between two 16-digit decimals, which JSON-LD processors round either way";
  } else if (typeof value !== "number") return null;
  if (number === 0) return "a zero typed xsd:double, which JSON-LD processors write with or without a sign";
  return null;
}

/** rdfc.py iri_problem, in the same words. */
function iriProblem(what, iri, char) {
  const code = char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
  return (
    `${what} ${JSON.stringify(iri)} contains U+${code}, which an IRI in N-Quads may not: canonical N-Quads would` +
    " write it unescaped here and escaped elsewhere, or JSON-LD processors read it apart, so no other verifier" +
    " would check the proof"
  );
}

/**
 * What rdfc.py refuses while it turns the expanded document into RDF (_SafeProcessor._check_iri, _check_object)
 * and jsonld.js would canonicalize otherwise: an IRI holding a character N-Quads' IRIREF excludes, text typed
 * xsd:double (pyld reads it with float(), jsonld.js with parseFloat). null: nothing.
 */
function expandedProblem(expanded) {
  const iri = (what, value) => {
    if (typeof value !== "string" || value.startsWith("_:")) return null;
    const bad = NOT_IN_IRIREF.exec(value);
    return bad === null ? null : iriProblem(what, value, bad[0]);
  };
  const stack = [expanded];
  while (stack.length) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (const member of item) stack.push(member);
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    if (Object.hasOwn(item, "@value")) {
      const datatype = item["@type"];
      const typed = datatype === XSD_DOUBLE ? typedDoubleProblem(item["@value"]) : null;
      if (typed !== null) {
        const value = item["@value"];
        return unportableReason(typeof value === "string" ? JSON.stringify(value) : "a number", typed);
      }
      const problem = datatype === "@json" ? null : iri("type", datatype);
      if (problem !== null) return problem;
      continue; // (a JSON literal's members are no IRIs)
    }
    for (const [key, member] of Object.entries(item)) {
      let problem = null;
      if (key === "@id") problem = iri("id", member);
      else if (key === "@type") for (const type of [member].flat()) problem ??= iri("type", type);
      else if (!key.startsWith("@")) problem = iri("property", key);
      if (problem !== null) return problem;
      if (key !== "@index" && key !== "@language" && key !== "@direction") stack.push(member);
    }
  }
  return null;
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
    if (halfway(number))
      return "a number halfway between two 16-digit decimals, which JSON-LD processors round either way";
  }
  return null;
}

/** rdfc.py _halfway: whether the finite non-integer `number` is halfway between two 16-digit decimals. */
function halfway(number) {
  // The double's exact decimal digits: toPrecision takes at most 100, enough for a non-integer of at least 10**-6
  // below 2**53 (some 70), and for text typed xsd:double beyond that, a digit string cut short only where it is
  // not halfway: a halfway number's digits end within 100 whenever its 17th is 5 (its exact form is short).
  const digits = Math.abs(number).toPrecision(100).replace(/e.*$/, "").replace(".", "").replace(/^0+/, "");
  const rest = digits.slice(DOUBLE_DIGITS);
  return rest[0] === "5" && /^0*$/.test(rest.slice(1));
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
