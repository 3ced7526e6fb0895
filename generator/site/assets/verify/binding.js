// Who defines what, in the browser: the mirror of generator/binding.py (held equal by
// tests/site/test_binding_js.py and test_binding_differential_js.py). A credential naming one of this registry's
// Achievement ids must be issued by the issuer that defines it. The source is the registry's signed statements
// (statements/index.json and the files it names, each checked against the registry's key: both proofs,
// eddsa-rdfc-2022 loaded only then); a statement signed by a demo key is said to prove nothing. An id under the
// site's credentials/ that no statement covers is the page of the issuer it names.

import { RDFC_SUITE, isObject, proofsOf, verifyJcsProof } from "./dataintegrity.js";
import { decodeEd25519Public } from "./encoding.js";

const KEY_ID = "registry-key";
const INDEX = "statements/index.json";

/** Why `document` is not a statement signed by the registry `did` with Multikey `key`, or null (statement_problem). */
async function statementProblem(document, did, key) {
  if (!isObject(document)) return "not a JSON object";
  const subject = document.credentialSubject;
  const issuer = document.issuer;
  if (!isObject(subject) || !isObject(issuer) || typeof subject.id !== "string") return "not a statement";
  if (typeof subject.achievementCreator !== "string") return "the statement names no achievementCreator";
  if (issuer.id !== did) return "not issued by this registry";
  const proofs = proofsOf(document);
  if (proofs.length !== 2) return "a statement carries both proofs";
  for (const proof of proofs) {
    if (!isObject(proof) || proof.verificationMethod !== `${did}#${KEY_ID}`) return "not signed with the registry's key";
    const publicKey = decodeEd25519Public(key);
    let result;
    if (proof.cryptosuite === RDFC_SUITE) {
      const { verifyRdfcProof } = await import("./rdfc.js");
      result = await verifyRdfcProof(document, proof, publicKey);
    } else {
      result = await verifyJcsProof(document, proof, publicKey);
    }
    if (!result.ok) return `${proof.cryptosuite ?? "None"}: ${result.reason}`;
  }
  return null;
}

/** {owner, ownerDid, source} the site's statements say of `achievementId`; a string saying why its statement
 * cannot be trusted; or null when they say nothing (or the site publishes none). */
async function lookup(site, achievementId) {
  const index = await site.json(INDEX);
  if (!isObject(index) || !isObject(index.statements) || typeof index.publicKeyMultibase !== "string") return null;
  const path = Object.hasOwn(index.statements, achievementId) ? index.statements[achievementId] : undefined;
  if (typeof path !== "string") return null;
  const parts = path.split("/");
  if (parts.length !== 3 || parts[0] !== "statements" || !parts[2].endsWith(".json"))
    return `the index names '${path}', which is not a statement file`;
  const document = await site.json(path);
  const problem = await statementProblem(document, index.registry, index.publicKeyMultibase);
  if (problem !== null) return `${path}: ${problem}`;
  const subject = document.credentialSubject;
  if (subject.id !== achievementId) return `${path} is about ${subject.id}, not this achievement`;
  const source =
    index.demo === true
      ? "the registry's statement, signed with a DEMO key that proves nothing about who runs the registry"
      : "the registry's signed statement";
  return { owner: parts[1], ownerDid: subject.achievementCreator, source };
}

// generator/binding.py NO_ISSUER_ID: who issued a credential with no issuer id.
export const NO_ISSUER_ID = "an issuer with no id";

/**
 * Why a credential by `issuerDid` may not name `achievementId`, or null (binding_problem). `prefix`: the site's
 * credentials/ URL; `issuerLabel`: the issuer as the verdict names it.
 */
export async function bindingProblem(site, prefix, achievementId, issuerDid, issuerLabel) {
  if (typeof achievementId !== "string") return null;
  let binding = await lookup(site, achievementId);
  if (typeof binding === "string") return `the registry's statement about this achievement does not verify: ${binding}`;
  if (binding === null) {
    if (!achievementId.startsWith(prefix)) return null;
    const owner = achievementId.slice(prefix.length).split("/")[0];
    if (!owner) return null;
    binding = { owner, ownerDid: "", source: "" };
  }
  // An owner known only by the URL has no DID (""): it matches no issuer, an empty issuer id least of all.
  if (binding.ownerDid && binding.ownerDid === issuerDid) return null;
  const said = binding.source ? ` (${binding.source})` : "";
  const who = issuerDid ? issuerLabel : NO_ISSUER_ID; // not "None" or an empty name ("but  issued this")
  return `the achievement is ${binding.owner}'s credential in this registry${said}, but ${who} issued this: only its owner awards it`;
}
