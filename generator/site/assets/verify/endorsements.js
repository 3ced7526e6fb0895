// Endorsements on credential and endorser pages, checked again in the reader's browser.
//
// Each <li data-endorsement="<hash>" data-file="<relative URL>"> names a published EndorsementCredential. The browser
// fetches the file, and says "Valid" next to it only when: the file's hash is the one the page names, it fits the
// registry's endorsement profile as a whole (ENDORSEMENT below: generator/models/endorsement.py, built on the award
// profile's pieces in policies.js: exact @context and types, known keys only, strict JSON types, the lengths and
// patterns, signed text without a control or bidi character, a window that closes after it opens, both proofs by
// one key), its eddsa-jcs-2022 proof verifies with a key its endorser registered (keys.json next to the endorser's
// did.json, within the key's validity window), the issuer is that endorser, an issuer does not endorse its own
// credentials or itself, it is in force now, and its bit in the endorser's signed status list is clear (an issuer's
// revoked endorsement says why: the signed line of its revocation log, published beside the file). The rules
// are generator/endorsements.py's (verify_endorsement; its verdict in the page's words: endorsement_verdict), held
// equal by tests/site/test_endorsements_js.py, and the profile by tests/site/test_endorsement_profile_js.py on a
// generated corpus of over a thousand mutated endorsements (the same acceptance, the same first error). The
// eddsa-rdfc-2022 proof was checked by the build that published the file under the hash the page names, as for
// awards. The building blocks (JCS proofs, key windows, status lists) are the verification page's own modules.

import { JCS_SUITE, isObject, proofsOf, verifyJcsProof } from "./dataintegrity.js";
import { decodeEd25519Public, sha256Hex } from "./encoding.js";
import { canonicalBytes, parseJSON } from "./jcs.js";
import {
  OB3_CONTEXT_URL,
  ONE_LINE,
  OPTIONAL,
  PROFILE,
  PROOF,
  STATUS_ENTRY,
  TEXT,
  TIMESTAMP,
  URN_UUID,
  VC2_CONTEXT_URL,
  VALID_UNTIL,
  errorText,
  exactly,
  listOf,
  model,
  oneOf,
  parseTime,
  pattern,
  proofContexts,
  proofSet,
  revokedReason,
  str,
  windowProblem,
} from "./policies.js";
import { BY_ENDORSER, revokedHeadline } from "./results.js";
import { SiteData } from "./sitedata.js";
import { decodeList, getBit, indexProblem, parseIndex } from "./statuslist.js";
import { logCheck } from "./tlog.js";
import { unseenProblem } from "./text.js";

// --- the profile (generator/models/endorsement.py) ---------------------------------------------------------------

/** ENDORSEMENT_CONTEXT and the EndorsementKind values, as Python has them (the tests compare them). */
export const ENDORSEMENT_CONTEXT = [VC2_CONTEXT_URL, OB3_CONTEXT_URL, "https://credreg.dev/contexts/endorsement-v1.jsonld"];
export const ENDORSEMENT_KINDS = [
  "accredits",
  "approves-for-regulated-role",
  "counts-towards-qualification",
  "recognises",
  "endorses",
];
const TYPES = ["VerifiableCredential", "EndorsementCredential"];

const SUBJECT = model("EndorsementSubject", [
  ["id", str({ pattern: pattern("^(?:https://|did:)\\S+$") })],
  ["type", listOf(oneOf("EndorsementSubject"), { min: 1, max: 1 })],
  ["endorsementComment", str({ min: 1, max: 2000, pattern: TEXT })],
  ["endorsementKind", oneOf(...ENDORSEMENT_KINDS)],
  ["endorsementScope", str({ min: 1, max: 500, pattern: TEXT }), OPTIONAL],
]);

const ENDORSEMENT = model(
  "Endorsement",
  [
    ["@context", listOf(str(), { min: 3, after: exactly(ENDORSEMENT_CONTEXT) })],
    ["id", URN_UUID],
    ["type", listOf(oneOf(...TYPES), { min: 2, max: 2, after: exactly(TYPES) })],
    ["name", str({ min: 1, max: 300, pattern: ONE_LINE })],
    ["issuer", PROFILE],
    ["validFrom", TIMESTAMP],
    ["validUntil", VALID_UNTIL, OPTIONAL],
    ["credentialSubject", SUBJECT],
    ["credentialStatus", STATUS_ENTRY],
    ["proof", listOf(PROOF, { min: 2, max: 2, after: proofSet })],
  ],
  { after: proofContexts(ENDORSEMENT_CONTEXT, "endorsement") },
);

/** The first thing that keeps `doc` from the profile, in verify_endorsement's words (null when it fits). */
export function profileProblem(doc) {
  const out = [];
  if (ENDORSEMENT(doc, [], out)) return null;
  const [first] = out;
  // A pattern's own words would quote the whole UNSEEN class: say which character, as Python does.
  const unseen =
    first.type === "string_pattern_mismatch" && typeof first.input === "string" ? unseenProblem(first.input) : null;
  return errorText(unseen === null ? first : { ...first, msg: unseen });
}

// --- the checks ----------------------------------------------------------------------------------------------------

const OWNER = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const STATUS_URL = /\/(endorsers|issuers)\/([a-z0-9]+(?:-[a-z0-9]+)*)\/status\/([1-9][0-9]{0,4})\.json$/;

async function fetchJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`could not load ${url.pathname}: HTTP ${response.status}`);
  return parseJSON(await response.text());
}

/** The key record of keys.json that made `proof`, or a reason why there is none. */
function keyFor(keys, proof) {
  const method = isObject(proof) ? proof.verificationMethod : null;
  const record = (keys.keys || []).find((k) => k.verificationMethod === method);
  if (!record) return [null, `${method ?? "None"} is not a registered key of ${keys.issuer}`];
  if (parseTime(proof.created) === null) return [null, "the proof has no valid created time"];
  const window = windowProblem(record, proof.created);
  return window ? [null, window] : [record, ""];
}

/**
 * The reason an issuer's endorsement was revoked: the signed line of its revocation log, published beside the
 * file as <hash>.revocation.json, if it names this endorsement and its signature by the issuer holds (as an
 * award's published revocation). An endorser keeps no log: its endorsement is "revoked by the endorser".
 */
async function revokedBy(folder, base, hash, keys) {
  const plain = { state: "revoked", reason: `revoked${BY_ENDORSER}` };
  if (folder !== "issuers") return plain;
  const response = await fetch(new URL(`endorsements/${hash}.revocation.json`, base), { credentials: "same-origin" });
  if (!response.ok) return plain;
  let line;
  try {
    line = parseJSON(await response.text());
  } catch {
    return plain;
  }
  if (!isObject(line) || line.award !== hash || (await jcsProblem(line, keys)) !== null) return plain;
  return { state: "revoked", reason: revokedReason(line, BY_ENDORSER) };
}

async function jcsProblem(doc, keys) {
  const proof = proofsOf(doc).find((p) => isObject(p) && p.cryptosuite === JCS_SUITE);
  if (!proof) return "no eddsa-jcs-2022 proof";
  const [record, why] = keyFor(keys, proof);
  if (!record) return why;
  const result = await verifyJcsProof(doc, proof, decodeEd25519Public(record.publicKeyMultibase));
  return result.ok ? null : `${JCS_SUITE}: ${result.reason}`;
}

const OWN_CREDENTIAL = /\/credentials\/([a-z0-9]+(?:-[a-z0-9]+)*)\/[a-z0-9]+(?:-[a-z0-9]+)*\/$/;

/** Whether an issuer's endorsement is of its own credential (a credential page under its id) or of itself. */
function endorsesItself(doc, folder, owner, did) {
  const subject = doc.credentialSubject.id;
  if (folder !== "issuers") return false;
  if (subject === did) return true;
  try {
    const found = OWN_CREDENTIAL.exec(new URL(subject).pathname);
    return found !== null && found[1] === owner;
  } catch {
    return false;
  }
}

/**
 * The verdict on one endorsement file (the checks after the profile read its fields as the profile shapes them): {state: "valid"|"revoked"|"expired"|"not-yet-valid"|"invalid", reason}.
 * `fileUrl` is where it was fetched: <root>/<endorsers|issuers>/<owner>/endorsements/<hash>.json. With `site` (the
 * SiteData of <root>), also the public log, as `credreg verify` checks it last (tlog.js, kind "endorsement"): its
 * entry proven against the checkpoint, its key by log time, the status list read here the log's latest version;
 * the log check's words (how fresh the view is) come back as `log`.
 */
export async function checkEndorsement(doc, expectedHash, fileUrl, now = new Date(), site = null) {
  const invalid = (reason) => ({ state: "invalid", reason });
  if ((await sha256Hex(canonicalBytes(doc))) !== expectedHash) return invalid("the file is not the one this page names");
  // Python's first check: what follows reads a document of the profile's shape.
  const shape = profileProblem(doc);
  if (shape !== null) return invalid(shape);
  const parts = fileUrl.pathname.split("/");
  const [folder, owner] = parts.slice(-4, -2);
  if (!["endorsers", "issuers"].includes(folder) || !OWNER.test(owner)) return invalid("not an endorsement file");
  const base = new URL(`../`, fileUrl); // <root>/<folder>/<owner>/
  const keys = await fetchJSON(new URL("keys.json", base));
  if (doc.issuer.id !== keys.did) return invalid("it is not signed in the name of the body whose folder holds it");
  const proofProblem = await jcsProblem(doc, keys);
  if (proofProblem) return invalid(proofProblem);
  if (endorsesItself(doc, folder, owner, keys.did)) return invalid(`${owner} cannot endorse its own credentials`);
  const from = parseTime(doc.validFrom);
  const until = parseTime(doc.validUntil); // null when it has none
  if (now < from) return { state: "not-yet-valid", reason: `not valid before ${doc.validFrom}` };
  if (until !== null && now > until) return { state: "expired", reason: `expired on ${doc.validUntil}` };
  const entry = doc.credentialStatus;
  const located = STATUS_URL.exec(entry.statusListCredential);
  const index = parseIndex(entry.statusListIndex);
  if (!located || located[1] !== folder || located[2] !== owner || index === null)
    return invalid("the status entry is not in the endorser's own status list");
  // Through the site when given: the bytes judged here are the bytes the log check hashes.
  const listPath = `${folder}/${owner}/status/${located[3]}.json`;
  const listText = site === null ? null : await site.text(listPath);
  if (site !== null && listText === null) throw new Error(`could not load ${listPath}`);
  const list = site === null ? await fetchJSON(new URL(`status/${located[3]}.json`, base)) : parseJSON(listText);
  if (!isObject(list) || list.issuer !== keys.did || list.id !== entry.statusListCredential)
    return invalid("the status list does not belong to the endorser");
  const listProblem = await jcsProblem(list, keys);
  if (listProblem) return { state: "unknown", reason: `the status list's signature does not verify: ${listProblem}` };
  const bits = await decodeList(list.credentialSubject && list.credentialSubject.encodedList);
  const outside = indexProblem(index, bits);
  if (outside) return invalid(outside);
  if (getBit(bits, index)) return revokedBy(folder, base, expectedHash, keys);
  if (site === null) return { state: "valid", reason: "" };
  const logged = await logCheck(site, expectedHash, undefined, doc, null, now.getTime() / 1000, "endorsement");
  if (logged.status === "failed") return invalid(logged.reason);
  return { state: "valid", reason: "", log: logged.reason };
}

const sites = new Map();

/** The SiteData of the site an endorsement file is on (<root>/<folder>/<owner>/endorsements/<file>), one per page. */
function siteOf(fileUrl) {
  const root = new URL("../../../", fileUrl).href;
  if (!sites.has(root)) sites.set(root, new SiteData(root));
  return sites.get(root);
}

const WORDS = {
  valid: "Valid: checked in your browser",
  expired: "Expired",
  "not-yet-valid": "Not yet in force",
  invalid: "Not valid",
  unknown: "Not confirmed",
};

/**
 * What the badge says of a verdict of checkEndorsement. A revoked endorsement's is credreg verify's headline
 * (results.js revokedHeadline: who revoked it, and the day and reason its issuer's log records), so the reason
 * below it is not repeated.
 */
export function verdictWords(verdict) {
  if (verdict.state === "revoked") return { badge: revokedHeadline(verdict.reason), note: "" };
  return { badge: WORDS[verdict.state] || WORDS.unknown, note: verdict.reason ? `(${verdict.reason})` : "" };
}

async function annotate(item) {
  const status = item.querySelector("[data-endorsement-status]");
  const note = item.querySelector("[data-endorsement-check]");
  let verdict;
  try {
    const fileUrl = new URL(item.dataset.file, document.baseURI);
    const doc = await fetchJSON(fileUrl);
    verdict = await checkEndorsement(doc, item.dataset.endorsement, fileUrl, new Date(), siteOf(fileUrl));
  } catch (error) {
    verdict = { state: "unknown", reason: String((error && error.message) || error) };
  }
  item.dataset.verified = verdict.state;
  if (verdict.log) item.title = `Public log: ${verdict.log}`;
  const words = verdictWords(verdict);
  if (status) {
    status.textContent = words.badge;
    status.className = `cr-badge ${verdict.state === "valid" ? "cr-badge--active" : "cr-badge--revoked"}`;
  }
  if (note) note.textContent = words.note;
}

if (typeof document !== "undefined") {
  for (const item of document.querySelectorAll("[data-endorsement]")) annotate(item);
}
