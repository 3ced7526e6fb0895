// W3C Data Integrity eddsa-jcs-2022 proofs, verified with WebCrypto Ed25519.
//
// As generator/crypto/dataintegrity.py: the proof configuration is the proof without proofValue, with the
// (unsecured) document's @context; hashData = SHA-256(JCS(proof config)) ‖ SHA-256(JCS(document without
// proof)); the proofValue is "z" + base58btc of the 64-byte Ed25519 signature over hashData. A proof that
// carries its own @context must be a prefix of the document's, and then stands in its place.

import { base58Decode, ed25519KeyProblem, ed25519SignatureProblem, EncodingError, sha256 } from "./encoding.js";
import { canonicalize, JcsError } from "./jcs.js";
import { pyRepr } from "./text.js";

export const PROOF_TYPE = "DataIntegrityProof";
// What every proof is made for: asserting what it signs (generator/crypto/dataintegrity.py PROOF_PURPOSE).
export const PROOF_PURPOSE = "assertionMethod";
export const JCS_SUITE = "eddsa-jcs-2022";
export const RDFC_SUITE = "eddsa-rdfc-2022";
export const SUITES = [RDFC_SUITE, JCS_SUITE];

export function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** The document's proofs as a list (empty if it has none). */
export function proofsOf(document) {
  return isObject(document) ? asList(document.proof) : [];
}

/** A copy of an object without some keys; own data properties only (a "__proto__" key stays a key). */
function without(object, ...names) {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !names.includes(key)));
}

export class ProofError extends Error {}

/** The browser cannot check Ed25519 signatures: no verdict can be given here (never "invalid"). */
export class UnsupportedError extends Error {}

// RFC 8032, section 7.1, test 1: a valid Ed25519 public key.
const PROBE_KEY = Uint8Array.from(
  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a".match(/../g),
  (h) => parseInt(h, 16),
);

/** Whether this browser's Web Crypto verifies Ed25519 (and can gunzip status lists). */
export async function browserSupport() {
  if (!globalThis.crypto || !crypto.subtle) return "Web Crypto is not available (it needs a secure, https page)";
  if (typeof DecompressionStream !== "function")
    return "this browser cannot decompress status lists (DecompressionStream)";
  try {
    await crypto.subtle.importKey("raw", PROBE_KEY, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return "this browser's Web Crypto cannot check Ed25519 signatures";
  }
  return null;
}

function unsecured(document, proof) {
  const doc = without(document, "proof");
  if (Object.hasOwn(proof, "@context")) {
    const proofCtx = asList(proof["@context"]);
    const docCtx = asList(document["@context"]).slice(0, proofCtx.length);
    if (canonicalize(docCtx) !== canonicalize(proofCtx)) {
      throw new ProofError("proof @context does not match document @context");
    }
    return Object.fromEntries([...Object.entries(doc), ["@context", proof["@context"]]]);
  }
  return doc;
}

/** The 64 bytes a proof signs: SHA-256 of the canonical proof configuration ‖ SHA-256 of the canonical document,
 * canonicalized by `canon(document, config)` → [config text, document text] (JCS, or RDFC-1.0 in rdfc.js). */
export async function hashData(document, proof, canon = jcsCanon) {
  const doc = unsecured(document, proof);
  let config = without(proof, "proofValue");
  if (Object.hasOwn(doc, "@context"))
    config = Object.fromEntries([...Object.entries(config), ["@context", doc["@context"]]]);
  const [configText, docText] = await canon(doc, config);
  const [configHash, docHash] = await Promise.all([sha256(configText), sha256(docText)]);
  const data = new Uint8Array(64);
  data.set(configHash, 0);
  data.set(docHash, 32);
  return data;
}

function jcsCanon(doc, config) {
  return [canonicalize(config), canonicalize(doc)];
}

export const unsecuredFor = unsecured;

/**
 * Check one eddsa-jcs-2022 proof of a secured document against a 32-byte Ed25519 public key.
 * Resolves to {ok, reason}; never rejects for bad input.
 */
export async function verifyJcsProof(document, proof, publicKey) {
  return verifyWithHash(document, proof, publicKey, JCS_SUITE, jcsCanon);
}

/** Check one proof of `suite` whose documents are canonicalized by `canon` (see hashData). */
export async function verifyWithHash(document, proof, publicKey, suite, canon) {
  const fail = (reason) => ({ ok: false, reason });
  if (!isObject(proof)) return fail("proof is not a JSON object");
  if (!isObject(document)) return fail("document is not a JSON object");
  // Quoted as credreg verify quotes them (Python's repr: generator/crypto/dataintegrity.py verify_proof).
  if (proof.type !== PROOF_TYPE) return fail(`unsupported proof type ${pyRepr(proof.type)} (expected ${PROOF_TYPE})`);
  if (proof.cryptosuite !== suite) return fail(`unsupported cryptosuite ${pyRepr(proof.cryptosuite)}`);
  if (Object.hasOwn(proof, "previousProof")) return fail("proof chains (previousProof) are not supported");
  if (proof.proofPurpose !== PROOF_PURPOSE)
    return fail(`the proof is not made for ${PROOF_PURPOSE} (it does not assert what it signs)`);
  const value = proof.proofValue;
  if (typeof value !== "string" || !value.startsWith("z")) return fail("proofValue is not base58btc multibase");
  let signature;
  try {
    signature = base58Decode(value.slice(1));
  } catch (error) {
    if (error instanceof EncodingError) return fail("proofValue is not base58btc multibase");
    throw error;
  }
  if (signature.length !== 64)
    return fail(`proofValue is not an Ed25519 signature (${signature.length} bytes, expected 64)`);
  const signatureProblem = ed25519SignatureProblem(signature);
  if (signatureProblem !== null) return fail(`signature does not match: ${signatureProblem}`);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    return fail("public key is not a 32-byte Ed25519 key");
  const keyProblem = ed25519KeyProblem(publicKey);
  if (keyProblem !== null) return fail(`public key is not an Ed25519 key: ${keyProblem}`);
  let data;
  try {
    data = await hashData(document, proof, canon);
  } catch (error) {
    if (error instanceof ProofError) return fail(error.message);
    if (error instanceof JcsError) return fail(`cannot canonicalize as JSON (RFC 8785): ${error.message}`);
    throw error;
  }
  let key;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch (error) {
    if (error && error.name === "NotSupportedError")
      throw new UnsupportedError("this browser cannot check Ed25519 signatures");
    return fail("the public key is not a valid Ed25519 key");
  }
  let ok = false;
  try {
    ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, data);
  } catch {
    ok = false;
  }
  return ok ? { ok: true, reason: "" } : fail("signature does not match");
}
