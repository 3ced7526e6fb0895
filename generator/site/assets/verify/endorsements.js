// Endorsements checked in the reader's browser: on credential and endorser pages (the badges), and on the
// verification page (an endorsement's hash typed in, or its file dropped).
//
// verifyEndorsement makes credreg verify's checks of an endorsement (generator/endorsements.py verify_endorsement:
// the same ids, labels, order and reasons): it fits the registry's endorsement profile as a whole (ENDORSEMENT
// below: generator/models/endorsement.py, built on the award profile's pieces in policies.js: exact @context and
// types, known keys only, strict JSON types, the lengths and patterns, signed text without a control or bidi
// character nor a letter carrying a tower of combining marks (text.js markTowerProblem), a window that closes
// after it opens, both proofs by one key), its signer is a registered endorser (or issuer) under its registered name, its proofs verify with a key that signer registered (keys.json, within
// the key's validity window), it is of a credential or issuer of this registry and not the signer's own, the build
// published it from the signer's folder (verify/endorsements.json: registered here, as an award must be; when any of
// these four fails, it is no endorsement of this registry and its dates and status are not read), it is in force now, and its bit in the signer's signed status list is clear (the list read by the rule of every list:
// policies.js listOwnerProblem and signedBy, a key of the signer in force when it signed; an issuer's revoked
// endorsement says why: the signed line of its revocation log, published beside the file, which stands even when
// the list cannot be trusted, by the awards' rule: policies.js statusOutcome). Held equal by
// tests/site/test_verify_endorsement_js.py; the profile by tests/site/test_endorsement_profile_js.py on a
// generated corpus of over a thousand mutated endorsements (the same acceptance, the same first error).
//
// Each badge, <li data-endorsement="<hash>" data-file="<relative URL>">, names a published EndorsementCredential:
// the browser fetches the file and says "Valid" next to it only when its hash is the one the page names, it is in
// its signer's folder, and those checks pass (their verdict in the page's words: endorsementVerdict, as
// endorsements.py endorsement_verdict; tests/site/test_endorsements_js.py). A badge skips the eddsa-rdfc-2022
// signature, which the build checked before publishing the file under the hash the page names, as for awards.
// A credential page's quality-assurance claims are then weighed again with those verdicts (claimStanding, the
// build's rule: recognition.py claim_standing), as the compare page weighs its own (credreg/compare.js).
// The building blocks (JCS proofs, key windows, status lists) are the verification page's own modules, and so is
// its rule when framed by another site (framing.js): the page then shows no endorsement or claim, nor its status.

import { JCS_SUITE, RDFC_SUITE, isObject, proofsOf, verifyJcsProof } from "./dataintegrity.js";
import { decodeEd25519Public, sha256Hex } from "./encoding.js";
import { FRAMED, framed, openOnItsOwn } from "./framing.js";
import { canonicalBytes, parseJSON } from "./jcs.js";
import {
  ENDORSEMENT_TIME,
  ENDORSEMENT_VALID_UNTIL,
  OB3_CONTEXT_URL,
  ONE_LINE,
  OPTIONAL,
  PROFILE,
  PROOF,
  STATUS_ENTRY,
  TEXT,
  URN_UUID,
  VC2_CONTEXT_URL,
  clockOrder,
  endorserKeys,
  errorText,
  exactly,
  listOf,
  listOwnerProblem,
  model,
  namedKey,
  oneOf,
  parseTime,
  pattern,
  proofContexts,
  proofSet,
  readableList,
  revokedReason,
  signedAtValidFrom,
  signedBy,
  statusOutcome,
  str,
  windowProblem,
} from "./policies.js";
import { BY_ENDORSER, blocks, check, NOT_CHECKED, NOT_OURS, notChecked, revokedBecause, revokedHeadline } from "./results.js";
import { fetchBounded, REVALIDATE, SiteData, strictText } from "./sitedata.js";
import { getBit, indexProblem, parseListNumber } from "./statuslist.js";
import { logCheck } from "./tlog.js";
import { markTowerProblem, unseenProblem, visible } from "./text.js";

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

/**
 * Whether a credential claims to be an endorsement, and so is checked as one (generator/endorsements.py
 * is_endorsement, the rule `credreg verify` dispatches on: a `type` list naming EndorsementCredential).
 */
export function isEndorsement(doc) {
  return isObject(doc) && Array.isArray(doc.type) && doc.type.includes("EndorsementCredential");
}

const SUBJECT = model("EndorsementSubject", [
  ["id", str({ pattern: pattern("^(?:https://|did:)\\S+$") })],
  ["type", listOf(oneOf("EndorsementSubject"), { min: 1, max: 1 })],
  ["endorsementComment", str({ min: 1, max: 2000, pattern: TEXT, after: markTowerProblem })],
  ["endorsementKind", oneOf(...ENDORSEMENT_KINDS)],
  ["endorsementScope", str({ min: 1, max: 500, pattern: TEXT, after: markTowerProblem }), OPTIONAL],
]);

const ENDORSEMENT = model(
  "Endorsement",
  [
    ["@context", listOf(str(), { min: 3, after: exactly(ENDORSEMENT_CONTEXT) })],
    ["id", URN_UUID],
    ["type", listOf(oneOf(...TYPES), { min: 2, max: 2, after: exactly(TYPES) })],
    ["name", str({ min: 1, max: 300, pattern: ONE_LINE, after: markTowerProblem })],
    ["issuer", PROFILE],
    ["validFrom", ENDORSEMENT_TIME],
    ["validUntil", ENDORSEMENT_VALID_UNTIL, OPTIONAL],
    ["credentialSubject", SUBJECT],
    ["credentialStatus", STATUS_ENTRY],
    ["proof", listOf(PROOF, { min: 2, max: 2, after: proofSet })],
  ],
  { after: (doc) => proofContexts(ENDORSEMENT_CONTEXT, "endorsement")(doc) ?? signedAtValidFrom(doc, "endorsement") },
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
const UNPUBLISHED = "no: this registry holds no endorsement with this hash in its endorser's folder";
const NOT_READ = "not read: it is not an endorsement this registry publishes";
// Within the bound of every file the page reads (sitedata.js fetchBounded): read to its end however long, an
// endless answer held a credential page's badge at "checking" until the tab ran out of memory.
async function fetchJSON(url) {
  const bytes = await fetchBounded(url, url.pathname, Error, REVALIDATE);
  if (bytes === null) throw new Error(`could not load ${url.pathname}: HTTP 404`);
  return parseJSON(strictText(bytes, url.pathname)); // as SiteData reads it
}

/**
 * An issuer's revocation of its endorsement: the signed line of its revocation log, published beside the file as
 * <hash>.revocation.json, if it names this endorsement and its signature by a key of the issuer (`did`, `keys`: its
 * keys.json), in force when it signed, holds, each of its proofs (signedBy, the rule of an award's line and of
 * every status list: endorsements.py _logged_revocation); else null. An endorser keeps no log.
 */
async function loggedRevocation(folder, read, hash, did, keys) {
  if (folder !== "issuers") return null;
  let line;
  try {
    line = await read(`endorsements/${hash}.revocation.json`);
  } catch {
    return null;
  }
  if (!isObject(line) || line.award !== hash) return null;
  const problem = await signedBy(null, line, did, "revocation", { rdfc: true, resolve: endorserKeys(did, keys) });
  return problem === null ? line : null;
}

// --- credreg verify's checks, for the verification page ------------------------------------------------------

// One proof checked with `record`'s key, by its suite (Python's verify_proof); eddsa-rdfc-2022's code is loaded
// only when such a proof is checked.
async function proofResult(doc, proof, record) {
  const key = decodeEd25519Public(record.publicKeyMultibase);
  if (proof.cryptosuite === RDFC_SUITE) {
    const { verifyRdfcProof } = await import("./rdfc.js");
    return verifyRdfcProof(doc, proof, key);
  }
  return verifyJcsProof(doc, proof, key);
}

/** [folder, owner, number] of a status list URL of this registry's issuers or endorsers (endorsements.py _list_path). */
function ownList(siteUrl, url, endorsers) {
  for (const folder of ["issuers", "endorsers"]) {
    const prefix = `${siteUrl}${folder}/`;
    if (!url.startsWith(prefix) || !url.endsWith(".json")) continue;
    const rest = url.slice(prefix.length, -".json".length);
    const at = rest.indexOf("/status/");
    if (at < 0) continue;
    const owner = rest.slice(0, at);
    const number = parseListNumber(rest.slice(at + "/status/".length));
    if (number !== null && endorsers.some((e) => e.folder === folder && e.id === owner)) return [folder, owner, number];
  }
  return null;
}

/**
 * The endorser's verified status list bits, or [null, why not] (endorsements.py _list_problem): read by the rule
 * every reader of a list applies (listOwnerProblem, signedBy: a key of the endorser, in force when it signed, so a
 * list signed after its key was retired or revoked takes no revocation back; readableList: well-formed and in
 * force at `now`).
 */
async function listBits(site, folder, owner, number, url, did, keys, now) {
  const path = `${folder}/${owner}/status/${number}.json`;
  let doc;
  try {
    doc = await site.json(path);
  } catch (error) {
    return [null, `status list registry/${path} is unreadable: ${error.message}`];
  }
  // Named by its path in the registry, as credreg verify names it (endorsements.py _list_problem).
  if (doc === null) return [null, `status list registry/${path} is missing`];
  const problem =
    listOwnerProblem(doc, url, did, "this endorser") ??
    (await signedBy(null, doc, did, "status list", { rdfc: true, resolve: endorserKeys(did, keys) }));
  if (problem) return [null, problem];
  const readable = await readableList(doc, now);
  return [readable.bits, readable.problem];
}

/**
 * Every check of an endorsement, as `credreg verify` makes them (generator/endorsements.py verify_endorsement:
 * the same ids, labels, order and reasons; held equal by tests/site/test_verify_endorsement_js.py), from the
 * registry's published data (verify/endorsements.json: generator/publish/verifydata.py endorsement_lookup) and
 * its endorsers' and issuers' keys.json and status lists. Resolves to {checks, hash, facts}; its headline is
 * results.js headlineOf(checks, ENDORSEMENT).
 * @param {import("./sitedata.js").SiteData} site
 */
export async function verifyEndorsement(doc, site, now = new Date(), { rdfc = true } = {}) {
  const checks = [];
  const facts = { type: "EndorsementCredential" };
  const add = (id, label, problem, { unknown = false } = {}) => {
    if (problem === null) checks.push(check(id, label, true, "ok"));
    else if (unknown) checks.push(notChecked(id, label, problem, { applicable: true }));
    else checks.push(check(id, label, false, problem));
  };
  const shape = profileProblem(doc);
  if (shape !== null) {
    add("structure", "Registry endorsement profile", shape);
    return { checks, hash: null, facts };
  }
  add("structure", "Registry endorsement profile", null);
  const hash = await sha256Hex(canonicalBytes(doc));
  const lookup = await site.endorsements();
  const index = await site.index();
  const did = doc.issuer.id;
  const endorser = lookup.endorsers.find((e) => e.did === did) ?? null;
  Object.assign(facts, {
    endorser: endorser && endorser.id,
    endorserName: doc.issuer.name,
    subject: doc.credentialSubject.id,
    kind: doc.credentialSubject.endorsementKind,
    comment: doc.credentialSubject.endorsementComment,
    scope: doc.credentialSubject.endorsementScope ?? null,
    validFrom: doc.validFrom,
    validUntil: doc.validUntil ?? null,
  });
  if (endorser === null) {
    add("issuer", "Registered endorser", `${did} is not a registered endorser or issuer`);
    return { checks, hash, facts };
  }
  add("issuer", "Registered endorser", null);
  // Who signed it, by the name the registry has for it (endorsements.py verify_endorsement), not the name it signed.
  facts.endorserName = endorser.name;
  if (endorser.name !== doc.issuer.name) {
    add("endorser-record", "Endorser as registered", `the name differs from the registry's record of ${endorser.id}`);
  }
  const base = `${endorser.folder}/${endorser.id}/`;
  const keys = OWNER.test(endorser.id) ? await site.json(`${base}keys.json`) : null;
  let signature = null;
  // The eddsa-jcs-2022 proof first, as Python orders them (a stable sort).
  const proofs = [...proofsOf(doc)].sort((a, b) => (a.cryptosuite !== JCS_SUITE) - (b.cryptosuite !== JCS_SUITE));
  for (const proof of proofs) {
    const method = String(proof.verificationMethod);
    // Exactly as the endorser's DID document names the key (policies.js namedKey, endorsements.py named_key).
    const record = isObject(keys) ? namedKey(keys.keys, did, method) : null;
    if (record === null) {
      signature = `${method} is not a registered key of ${endorser.id}`;
      break;
    }
    const window = parseTime(proof.created) !== null ? windowProblem(record, proof.created) : "the proof has no valid created time";
    if (window) {
      signature = window;
      break;
    }
    // The badges (rdfc false): the build checked this proof before publishing the file under the hash they name.
    if (!rdfc && proof.cryptosuite === RDFC_SUITE) continue;
    const result = await proofResult(doc, proof, record);
    if (!result.ok) {
      signature = `${proof.cryptosuite}: ${result.reason}`;
      break;
    }
  }
  add("proof", "Signed by the endorser's registered key", signature);
  const subject = doc.credentialSubject.id;
  const owner = await site.subjectOwner(subject);
  facts.subjectIssuer = owner;
  add("subject", "Endorses a credential or issuer of this registry", owner ? null : `${subject} is unknown`);
  if (owner !== null && owner === endorser.id) {
    add("independent", "Given by another body", `${endorser.id} cannot endorse its own credentials`);
  }
  // Registered here (endorsements.py _published): the build lists each endorsement file it publishes by its hash.
  const filed = Object.hasOwn(lookup.endorsements, hash) ? lookup.endorsements[hash] : null;
  const published = filed === `${endorser.folder}/${endorser.id}/endorsements/${hash}.json`;
  add("registered", "Registered here", published ? null : UNPUBLISHED);
  if (checks.some((c) => NOT_OURS.includes(c.id) && blocks(c))) {
    // No endorsement of this registry: its dates and status are not read (endorsements.py verify_endorsement).
    checks.push(notChecked("validity", "In force", NOT_READ, { applicable: false }));
    checks.push(notChecked("status", "Not revoked", NOT_READ, { applicable: false }));
    return { checks, hash, facts };
  }
  const start = parseTime(doc.validFrom);
  const end = doc.validUntil ? parseTime(doc.validUntil) : null;
  if (start !== null && clockOrder(now, doc.validFrom) < 0) add("validity", "In force", `not valid before ${doc.validFrom}`);
  else if (end !== null && clockOrder(now, doc.validUntil) > 0) add("validity", "In force", `expired on ${doc.validUntil}`);
  else add("validity", "In force", null);
  const url = doc.credentialStatus.statusListCredential;
  const own = ownList(index.site_url, url, lookup.endorsers);
  if (own === null || own[1] !== endorser.id) {
    add("status", "Not revoked", "the status entry is not in the endorser's own status list");
  } else {
    const [bits, why] = await listBits(site, own[0], own[1], own[2], url, did, keys, now);
    const at = Number(doc.credentialStatus.statusListIndex);
    // The awards' rule (policies.js statusOutcome): an issuer's signed log line, published beside the file, says
    // why, and stands even when its list cannot be trusted. It is asked for only when the list is untrusted or the
    // bit set: a logged revocation whose bit is clear is refused by the full check (status-list.missing-bit), so no
    // site the build publishes holds one, and asking on every clear bit would leave a 404 per valid badge.
    const read = async (name) => site.json(`${base}${name}`);
    const asked = bits === null || (indexProblem(at, bits) === null && getBit(bits, at));
    const logged = asked ? await loggedRevocation(endorser.folder, read, hash, did, keys) : null;
    const outcome = statusOutcome(bits, why, at, logged);
    if (outcome.revoked === null) add("status", "Not revoked", outcome.problem, { unknown: !outcome.malformed });
    else if (outcome.revoked) {
      add("status", "Not revoked", revokedReason({ revoked: outcome.revokedOn, reason: outcome.reason }, BY_ENDORSER));
      facts.revoked = true;
    } else add("status", "Not revoked", null);
  }
  return { checks, hash, facts };
}


/** {state, reason} of verifyEndorsement's result as the pages say it (endorsements.py endorsement_verdict):
 * "valid", "revoked", "expired", "not-yet-valid", "invalid" or "unknown", with the first check that blocks a
 * valid verdict (results.js blocks: one that does not apply, such as a log not published, blocks nothing). */
export function endorsementVerdict({ checks, facts }) {
  const failed = checks.find(blocks);
  if (!failed) return { state: "valid", reason: "" };
  if (failed.status === NOT_CHECKED) return { state: "unknown", reason: failed.reason };
  if (failed.id === "validity") {
    return { state: failed.reason.startsWith("not valid before") ? "not-yet-valid" : "expired", reason: failed.reason };
  }
  if (failed.id === "status" && facts.revoked) return { state: "revoked", reason: failed.reason };
  return { state: "invalid", reason: failed.reason };
}

/**
 * The verdict on one endorsement file a credential or endorser page names: {state, reason} (endorsementVerdict).
 * `fileUrl` is where it was fetched: <root>/<endorsers|issuers>/<owner>/endorsements/<hash>.json. The checks are
 * the verification page's (verifyEndorsement), on top of which the file must be the one the page names, and be
 * in the folder of the body that signed it.
 */
export async function checkEndorsement(doc, expectedHash, fileUrl, now = new Date(), site = null) {
  const invalid = (reason) => ({ state: "invalid", reason });
  if ((await sha256Hex(canonicalBytes(doc))) !== expectedHash) return invalid("the file is not the one this page names");
  const [folder, owner] = fileUrl.pathname.split("/").slice(-4, -2);
  if (!["endorsers", "issuers"].includes(folder) || !OWNER.test(owner)) return invalid("not an endorsement file");
  const data = site ?? new SiteData(new URL("../../../", fileUrl));
  const result = await verifyEndorsement(doc, data, now, { rdfc: false });
  const verdict = endorsementVerdict(result);
  if (verdict.state === "invalid" || verdict.state === "unknown") return verdict;
  const signer = (await data.endorsements()).endorsers.find((e) => e.id === result.facts.endorser);
  if (!signer || signer.folder !== folder || signer.id !== owner) {
    return invalid("it is not signed in the name of the body whose folder holds it");
  }
  if (verdict.state !== "valid" || site === null) return verdict;
  // The log last, as credreg verify adds it; its verdict by the one rule (endorsements.py endorsement_verdict of a
  // result with its log check).
  const logged = await logCheck(site, expectedHash, undefined, doc, null, now.getTime() / 1000, "endorsement");
  const withLog = endorsementVerdict({ checks: [...result.checks, logged], facts: result.facts });
  return withLog.state === "valid" ? { ...withLog, log: logged.reason } : withLog;
}

/**
 * The SiteData of the site an endorsement file is on (<root>/<folder>/<owner>/endorsements/<file>): one for each
 * verdict, never one per page (the compare page asks again as a visitor picks credentials: a memo of the page
 * answered with the endorser's status list from before a revocation).
 */
function siteOf(fileUrl) {
  return new SiteData(new URL("../../../", fileUrl).href);
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
 * (results.js revokedHeadline: who revoked it, and the day its issuer's log records); the reason the signer gave
 * is the note beside it, quoted as theirs (revokedBecause), never the badge's words.
 */
export function verdictWords(verdict) {
  if (verdict.state === "revoked") return { badge: revokedHeadline(verdict.reason), note: revokedBecause(verdict.reason) };
  return { badge: WORDS[verdict.state] || WORDS.unknown, note: verdict.reason ? `(${verdict.reason})` : "" };
}

/**
 * The verdict on a published endorsement file a page names (`hash`, `file`: its address relative to `base`):
 * checkEndorsement's, now, or "unknown" when it cannot be fetched or read. The credential and endorser pages'
 * badges, and the compare page's claims (credreg/compare.js), ask it.
 */
export async function publishedVerdict(hash, file, base) {
  try {
    const fileUrl = new URL(file, base);
    const doc = await fetchJSON(fileUrl);
    return await checkEndorsement(doc, hash, fileUrl, new Date(), siteOf(fileUrl));
  } catch (error) {
    return { state: "unknown", reason: String((error && error.message) || error) };
  }
}

async function annotate(item) {
  const status = item.querySelector("[data-endorsement-status]");
  const note = item.querySelector("[data-endorsement-check]");
  const verdict = await publishedVerdict(item.dataset.endorsement, item.dataset.file, document.baseURI);
  item.dataset.verified = verdict.state;
  if (verdict.log) item.title = `Public log: ${verdict.log}`;
  const words = verdictWords(verdict);
  // The words quote the signer's revocation reason and error texts: written out as the verification page writes a
  // file's words (text.js visible), so no override in them turns or covers the page's.
  if (status) {
    status.textContent = visible(words.badge);
    status.className = `cr-badge ${verdict.state === "valid" ? "cr-badge--active" : "cr-badge--revoked"}`;
  }
  if (note) note.textContent = visible(words.note);
}

/** What stands of an issuer's claim, in the credential page's words (render/endorsements.py CLAIM_WORDS, _CLAIM_CSS). */
export const CLAIM_WORDS = {
  confirmed: "Confirmed: signed by the body",
  revoked: "Withdrawn by the body",
  claimed: "Claimed by the issuer, not confirmed",
};
export const CLAIM_CSS = {
  confirmed: "cr-badge cr-badge--active",
  revoked: "cr-badge cr-badge--revoked",
  claimed: "cr-badge cr-badge--deprecated",
};

/**
 * What stands of a claim, from the verdicts (checkEndorsement's states) of the endorsements by its body of a kind
 * that confirms it (recognition.py claim_standing, the build's rule: held equal by tests/site/test_endorsements_js.py):
 * "confirmed" while one is valid, "revoked" (withdrawn) when one was revoked or has expired, else "claimed".
 */
export function claimStanding(states) {
  if (states.includes("valid")) return "confirmed";
  if (states.includes("revoked") || states.includes("expired")) return "revoked";
  return "claimed";
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * A claim the build weighed (data-claim-endorsements: the hashes of the endorsements that may confirm it) says what
 * stands now, from the verdicts given to those endorsements on this page (`checked`: hash → its verdict's state, to
 * come): the build's words are those of the day the site was built, and an endorsement may have expired (or come
 * into force) since. It waits for its own endorsements only: one stalled request elsewhere on the page left every
 * claim in the build's words beside its own endorsement's "Expired". One not on the page has no verdict here, and
 * confirms nothing.
 */
async function restand(claim, checked) {
  const hashes = claim.dataset.claimEndorsements.split(" ").filter((hash) => HASH.test(hash) && checked.has(hash));
  const standing = claimStanding(await Promise.all(hashes.map((hash) => checked.get(hash))));
  claim.dataset.claim = standing;
  const badge = claim.querySelector("[data-claim-status]");
  if (badge) {
    badge.textContent = CLAIM_WORDS[standing];
    badge.className = CLAIM_CSS[standing];
  }
}

function annotateAll() {
  const checked = new Map();
  for (const item of document.querySelectorAll("[data-endorsement]")) {
    // A check that failed to finish has no verdict: "unknown", which confirms nothing.
    const state = annotate(item).then(
      () => item.dataset.verified,
      () => "unknown",
    );
    if (HASH.test(item.dataset.endorsement) && !checked.has(item.dataset.endorsement)) {
      checked.set(item.dataset.endorsement, state);
    }
  }
  for (const claim of document.querySelectorAll("[data-claim-endorsements]")) restand(claim, checked);
}

/**
 * Framed by another site (framing.js, the verification page's rule), a page shows none of its trust statements:
 * each list holding an endorsement checked here or an issuer's claim with its standing is hidden, and a note in
 * its place links to the page on its own. The other site could otherwise set its own words beside a "Valid".
 */
function withhold() {
  const lists = new Set([...document.querySelectorAll("[data-endorsement], [data-claim]")].map((i) => i.parentElement));
  for (const list of lists) {
    for (const item of list.querySelectorAll("[data-endorsement]")) item.dataset.verified = "framed";
    const note = document.createElement("p");
    note.className = "cr-muted";
    note.dataset.framed = "";
    note.append(`${FRAMED}: it shows no endorsement or claim, nor their status, here. `, openOnItsOwn());
    list.before(note);
    list.hidden = true;
  }
}

if (typeof document !== "undefined") {
  if (framed()) withhold();
  else {
    annotateAll();
    // Back (or forward) to the page, the browser restores it from its back/forward cache as it was, badges and
    // all, with no fetch: a revocation published since stayed "Valid". Each is checked again, from the site now.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) annotateAll();
    });
  }
}
