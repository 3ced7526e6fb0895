// Checks and the verdict they add up to: the rules of generator/verify/results.py.
//
// A check passed, failed or was not checked. A check that was not checked blocks a valid verdict only when it
// applies (no recipient given does not; a status list that could not be read does).

import { SUITES } from "./dataintegrity.js";

export const PASSED = "passed";
export const FAILED = "failed";
export const NOT_CHECKED = "not checked";
/** After the quoted name of a registered issuer's credential the registry does not define: the file's word only (its
 * issuer's key may sign any name). report.py NOT_DEFINED_HERE, held equal by tests/site/test_shared_constants_js.py. */
export const NOT_DEFINED_HERE = "(the file's name; no credential of this registry)";

export const Verdict = Object.freeze({
  INVALID: "invalid",
  REVOKED: "revoked",
  EXPIRED: "expired",
  NOT_YET_VALID: "not yet valid",
  UNTRUSTED: "untrusted",
  RECIPIENT_MISMATCH: "recipient does not match",
  VALID: "valid",
});

/** Checks whose failure means the document is not what its issuer signed ("hash": the page's own; "list": a
 * status list that is not the list of a registered issuer its id names, policies.js statusListChecks). */
export const AUTHENTICITY = ["hash", "structure", ...SUITES.map((suite) => `proof:${suite}`), "proof", "key", "list"];

export function check(id, label, ok, reason) {
  return { id, label, status: ok ? PASSED : FAILED, reason, applicable: true };
}

export function notChecked(id, label, reason, { applicable }) {
  return { id, label, status: NOT_CHECKED, reason, applicable };
}

export function blocks(c) {
  return c.status === FAILED || (c.status === NOT_CHECKED && c.applicable);
}

export function isValid(checks) {
  return !checks.some(blocks);
}

export function isAuthentic(checks) {
  const relevant = checks.filter((c) => AUTHENTICITY.includes(c.id) || c.id.startsWith("proof:"));
  return (
    relevant.length > 0 &&
    !relevant.some((c) => c.status === FAILED) &&
    relevant.some((c) => c.id.startsWith("proof") && c.status === PASSED)
  );
}

export function verdictOf(checks) {
  if (!isAuthentic(checks)) {
    // No proof could be checked, and none failed (here: an eddsa-rdfc-2022 proof only): not shown to be
    // forged, but it cannot be fully checked here.
    const relevant = checks.filter((c) => AUTHENTICITY.includes(c.id) || c.id.startsWith("proof:"));
    return !relevant.length || relevant.some((c) => c.status === FAILED) ? Verdict.INVALID : Verdict.UNTRUSTED;
  }
  const failed = new Set(checks.filter((c) => c.status === FAILED).map((c) => c.id));
  // Not a credential of this registry: its dates and status list give no verdict of the registry's (results.py).
  if (NOT_OURS.some((id) => failed.has(id))) return Verdict.UNTRUSTED;
  const status = checks.find((c) => c.id === "status");
  if (status && status.status === FAILED) {
    // A status entry that names no entry of its list is not a revocation: the credential is malformed.
    return status.reason.startsWith("revoked") ? Verdict.REVOKED : Verdict.INVALID;
  }
  const validity = checks.find((c) => c.id === "validity");
  if (validity && validity.status === FAILED) {
    // Dates that cannot be read are a malformed credential, not an expired one.
    if (validity.reason.startsWith("not valid before")) return Verdict.NOT_YET_VALID;
    return validity.reason.startsWith("expired on") ? Verdict.EXPIRED : Verdict.INVALID;
  }
  if (failed.has("recipient")) return Verdict.RECIPIENT_MISMATCH;
  if (!isValid(checks)) return Verdict.UNTRUSTED;
  return Verdict.VALID;
}

// The headline: one plain sentence a layperson understands, before any check (generator/verify/results.py
// headline, held equal over the differential corpus). It reads only the verdict and the checks.

export const HeadlineKind = Object.freeze({
  VALID: "valid",
  RECIPIENT_CONFIRMED: "recipient confirmed",
  CHANGED: "changed",
  MALFORMED: "malformed",
  UNSUPPORTED: "unsupported proof",
  KEY_NOT_REGISTERED: "key not registered",
  KEY_REVOKED: "key revoked",
  REVOKED: "revoked",
  EXPIRED: "expired",
  NOT_YET_VALID: "not yet valid",
  UNREGISTERED_ISSUER: "issuer not registered",
  NOT_PUBLISHED: "not published here",
  CANNOT_CHECK: "cannot check",
  RECIPIENT_REFUSED: "recipient refused",
  RECIPIENT_UNCONFIRMED: "recipient unconfirmed",
  INVALID: "invalid",
  STATUS_LIST: "status list",
  STATUS_LIST_NOT_GENUINE: "status list not genuine",
  STATUS_LIST_NOT_IN_FORCE: "status list not in force",
  STATUS_LIST_NOT_LATEST: "status list not latest",
  STATUS_LIST_NOT_LOGGED: "status list not logged",
});

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/**
 * What was verified, as its headline names it: the thing, and who signs it (results.py Subject, AWARD and
 * ENDORSEMENT). One wording serves both, so an endorsement is never called an award.
 */
export const AWARD = Object.freeze({ noun: "award", signer: "issuer" });
export const ENDORSEMENT = Object.freeze({ noun: "endorsement", signer: "endorser" });
/** An issuer's status list, checked as one (results.py STATUS_LIST; policies.js statusListChecks), and a
 * registered endorser's (results.py ENDORSER_STATUS_LIST). */
export const STATUS_LIST = Object.freeze({ noun: "status list", signer: "issuer" });
export const ENDORSER_STATUS_LIST = Object.freeze({ noun: "status list", signer: "endorser" });

// One wording for every subject (results.py _HEADLINES): {noun} is what was verified, {signer} who signs it.
const HEADLINES = {
  [HeadlineKind.VALID]: "Valid: a genuine {noun}, in force.",
  [HeadlineKind.RECIPIENT_CONFIRMED]: "Valid: a genuine {noun}, in force, awarded to {email}.",
  [HeadlineKind.CHANGED]: "This file was changed after it was issued: it is not what its {signer} signed.",
  [HeadlineKind.MALFORMED]: "This file is not a well-formed {noun}, so what it says cannot be trusted.",
  [HeadlineKind.UNSUPPORTED]: "This file carries a kind of signature that cannot be checked here.",
  [HeadlineKind.KEY_NOT_REGISTERED]: "Signed with a key its {signer} had not registered.",
  [HeadlineKind.KEY_REVOKED]: "Signed with a key its {signer} had revoked.",
  [HeadlineKind.EXPIRED]: "Expired on {when}: it was genuine but is no longer in force.",
  [HeadlineKind.NOT_YET_VALID]: "Not yet valid: it is genuine, and comes into force on {when}.",
  [HeadlineKind.UNREGISTERED_ISSUER]: "Genuine signature, but its {signer} is not registered here.",
  [HeadlineKind.NOT_PUBLISHED]: "Not an {noun} this registry published.",
  [HeadlineKind.CANNOT_CHECK]: "Cannot be fully checked here.",
  [HeadlineKind.RECIPIENT_REFUSED]: "Genuine and in force, but not awarded to this email address.",
  [HeadlineKind.RECIPIENT_UNCONFIRMED]:
    "Genuine and in force, but the recipient can only be confirmed with their recipient key.",
  [HeadlineKind.INVALID]: "Not a valid {noun}: its dates or its revocation entry cannot be read.",
  [HeadlineKind.STATUS_LIST]:
    "A genuine {noun} of a registered {signer} (the registry's record of what it revoked): " +
    "check an award or endorsement by its file, hash or link.",
  [HeadlineKind.STATUS_LIST_NOT_GENUINE]: "This {noun} is not genuine: {why}.",
  [HeadlineKind.STATUS_LIST_NOT_IN_FORCE]: "A genuine {noun}, but not in force: {why}.",
  [HeadlineKind.STATUS_LIST_NOT_LATEST]:
    "Signed by a registered {signer}, but not in force: the public log records another version of this {noun} " +
    "as its latest (this one is older, superseded, or was never published).",
  [HeadlineKind.STATUS_LIST_NOT_LOGGED]:
    "Signed by a registered {signer}, but never published: the public log does not record this {noun}.",
};

/** The headline of `kind` for `subject` (results.py headline_text; `values`: the email, the day or the why). */
export function headlineText(kind, subject = AWARD, values = {}) {
  const words = { noun: subject.noun, signer: subject.signer, ...values };
  // One pass: a value (an email) is never read as a placeholder.
  return HEADLINES[kind].replace(/\{(noun|signer|email|when|why)\}/g, (_, name) => words[name]);
}

// Why a status list is not genuine, by the first of its checks that failed (results.py _LIST_WHY).
const LIST_WHY = { structure: "it is not well-formed", list: "it is not a status list of an owner registered here" };

/** Why a status list is not genuine, from its signature check's reason (results.py _list_signature_why). */
function listSignatureWhy(reason, signer) {
  if (reason.endsWith(" is not signed")) return "it is not signed";
  if (reason.includes(" is not signed by a key of ")) return `it is not signed by a key its ${signer} registered`;
  if (reason.includes(" is not trusted: ")) {
    return reason.includes("was revoked")
      ? `it was signed with a key its ${signer} had revoked`
      : "its signing key was not in force when it signed";
  }
  return `it was changed after its ${signer} signed it`;
}

// A status list's log check's reasons (tlog.js listLogCheck) that name a headline of their own (results.py
// _LIST_LOG): not the latest version logged, no version logged.
const LIST_LOG = [
  ["not the public log's latest version of ", HeadlineKind.STATUS_LIST_NOT_LATEST],
  ["not recorded in the public log", HeadlineKind.STATUS_LIST_NOT_LOGGED],
];

// A log check that finds a signing key logged as retired before the entry (results.py _LOGGED_RETIRED).
const LOGGED_RETIRED = /; but its signing key \S+ was logged as .* before it \(entry \d+\)/;
const LIST_LOGGED_LATE = "the public log shows it was published after its signing key was retired";

/** A genuine list in force that is not valid, by its log check (results.py _list_log_headline). */
function listLogHeadline(log, fixed) {
  if (log && log.status === FAILED) {
    const found = LIST_LOG.find(([start]) => log.reason.startsWith(start));
    if (found) return fixed(found[1]);
    if (log.reason.startsWith("recorded in the public log ") && LOGGED_RETIRED.test(log.reason)) {
      return fixed(HeadlineKind.STATUS_LIST_NOT_GENUINE, { why: LIST_LOGGED_LATE });
    }
  }
  return fixed(HeadlineKind.CANNOT_CHECK);
}

/** A status list's headline: genuine or not, and why not (results.py _status_list_headline). */
function statusListHeadline(checks, subject) {
  const fixed = (kind, values) => ({ kind, text: headlineText(kind, subject, values) });
  if (verdictOf(checks) === Verdict.VALID) return fixed(HeadlineKind.STATUS_LIST);
  if (!isAuthentic(checks)) {
    const failed = checks.find((c) => c.status === FAILED && AUTHENTICITY.includes(c.id));
    if (!failed) return fixed(HeadlineKind.CANNOT_CHECK);
    const why = Object.hasOwn(LIST_WHY, failed.id) ? LIST_WHY[failed.id] : listSignatureWhy(failed.reason, subject.signer);
    return fixed(HeadlineKind.STATUS_LIST_NOT_GENUINE, { why });
  }
  const validity = checks.find((c) => c.id === "validity");
  if (!validity || validity.status !== FAILED) return listLogHeadline(checks.find((c) => c.id === "log"), fixed);
  let why = "its dates cannot be read";
  if (validity.reason.startsWith("expired on ")) why = `it expired on ${plainDay(validity.reason)}`;
  else if (validity.reason.startsWith("not valid before ")) why = `it comes into force on ${plainDay(validity.reason)}`;
  return fixed(HeadlineKind.STATUS_LIST_NOT_IN_FORCE, { why });
}

// An endorsement's one signature check ("proof"), by its reason (results.py _proof_kind); an award's "proof"
// check is its other proofs, failed only as "unsupported proof type or cryptosuite: ...".
const NOT_ITS_KEY = / is not a registered key of [a-z0-9]+(?:-[a-z0-9]+)*$/;
// Checks that find it is not one this registry publishes (results.py NOT_OURS; endorsements.js reads it too).
export const NOT_OURS = ["credential", "registered", "subject", "independent", "endorser-record"];

function proofKind(reason) {
  if (reason.startsWith("unsupported proof type or cryptosuite: ")) return HeadlineKind.UNSUPPORTED;
  if (NOT_ITS_KEY.test(reason)) return HeadlineKind.KEY_NOT_REGISTERED;
  if (reason.startsWith("signed on ")) {
    return reason.includes("was revoked") ? HeadlineKind.KEY_REVOKED : HeadlineKind.KEY_NOT_REGISTERED;
  }
  return HeadlineKind.CHANGED;
}

/** The first YYYY-MM-DD in `text` as "1 February 2025" (the text itself when it has none). */
export function plainDay(text) {
  const m = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return text;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${Number(m[1])}`;
}

/** Who revoked an endorsement, in its status check's reason (policies.js revokedReason's `by`; results.py's). */
export const BY_ENDORSER = " by the endorser";
const REVOKED = new RegExp(
  `^revoked(${BY_ENDORSER})?(?: on (\\d{4}-\\d{2}-\\d{2}))?(?: for this reason: ([\\s\\S]+))?`,
);

/**
 * The headline of a revoked award or endorsement, from its status check's reason (results.py `revoked_headline`):
 * who revoked it, and the day its issuer's log records. The one wording of the verification page's headline and
 * of the endorsements' badges (endorsements.js). The signer's reason is never in it (revokedBecause).
 */
export function revokedHeadline(reason) {
  const m = REVOKED.exec(reason);
  const when = m && m[2] ? ` on ${plainDay(m[2])}` : "";
  const who = m && m[1] ? "its endorser" : "its issuer";
  return `Revoked${when} by ${who}.`;
}

/**
 * The reason the signer gave for a revocation, as their words (results.py `revoked_because`): quoted as Python's
 * repr quotes it (policies.js revokedReason quoted it already) and attributed; "" when none was given. Shown
 * beside the headline, never in it.
 */
export function revokedBecause(reason) {
  const m = REVOKED.exec(reason);
  if (!m || !m[3]) return "";
  return `Reason given by ${m[1] ? "its endorser" : "its issuer"}: ${m[3]}`;
}

/** The verdict in one plain sentence: {kind, text}, naming `subject` (AWARD, ENDORSEMENT or STATUS_LIST). */
export function headlineOf(checks, subject = AWARD) {
  const verdict = verdictOf(checks);
  const byId = new Map(checks.map((c) => [c.id, c]));
  const fixed = (kind, values) => ({ kind, text: headlineText(kind, subject, values) });
  if (subject.noun === STATUS_LIST.noun) return statusListHeadline(checks, subject);
  const authentic = isAuthentic(checks);
  if (verdict === Verdict.INVALID && !authentic) {
    const failed = checks.filter((c) => c.status === FAILED && (AUTHENTICITY.includes(c.id) || c.id.startsWith("proof:")));
    if (!failed.length) return fixed(HeadlineKind.MALFORMED);
    // The first check that failed, in the order they are made, says what is wrong.
    const first = failed[0];
    // No known key to check the signature with (results.py's _KEY_UNKNOWN: the reason of either verifier).
    const keyUnknown = /^verification method [\s\S]* cannot be resolved(?: offline|: it is not a key registered here)$/;
    if (first.id.startsWith("proof:") && keyUnknown.test(first.reason)) return fixed(HeadlineKind.KEY_NOT_REGISTERED);
    if (first.id.startsWith("proof:") || first.id === "hash") return fixed(HeadlineKind.CHANGED);
    if (first.id === "key") {
      return fixed(first.reason.includes("was revoked") ? HeadlineKind.KEY_REVOKED : HeadlineKind.KEY_NOT_REGISTERED);
    }
    if (first.id === "proof") return fixed(proofKind(first.reason));
    return fixed(HeadlineKind.MALFORMED);
  }
  if (verdict === Verdict.INVALID) return fixed(HeadlineKind.INVALID);
  if (verdict === Verdict.REVOKED) {
    return { kind: HeadlineKind.REVOKED, text: revokedHeadline(byId.get("status").reason) };
  }
  if (verdict === Verdict.EXPIRED) {
    return fixed(HeadlineKind.EXPIRED, { when: plainDay(byId.get("validity").reason) });
  }
  if (verdict === Verdict.NOT_YET_VALID) {
    return fixed(HeadlineKind.NOT_YET_VALID, { when: plainDay(byId.get("validity").reason) });
  }
  if (verdict === Verdict.RECIPIENT_MISMATCH) return fixed(HeadlineKind.RECIPIENT_REFUSED);
  const issuer = byId.get("issuer");
  const foreign = Boolean(issuer && issuer.status !== PASSED && issuer.reason.includes("not an issuer registered"));
  if (verdict === Verdict.VALID) {
    if (foreign) return fixed(HeadlineKind.UNREGISTERED_ISSUER);
    const recipient = byId.get("recipient");
    if (recipient && recipient.status === PASSED && recipient.reason.startsWith("awarded to ")) {
      const email = recipient.reason.slice("awarded to ".length).split(" (")[0];
      return fixed(HeadlineKind.RECIPIENT_CONFIRMED, { email });
    }
    return fixed(HeadlineKind.VALID);
  }
  // Untrusted: what blocks it, in this order (not the order the checks are listed in, which differs).
  const blocking = new Map(checks.filter(blocks).map((c) => [c.id, c]));
  if (!authentic || [...blocking.keys()].some((id) => id.startsWith("proof:"))) return fixed(HeadlineKind.CANNOT_CHECK);
  if (blocking.has("issuer")) return fixed(foreign ? HeadlineKind.UNREGISTERED_ISSUER : HeadlineKind.NOT_PUBLISHED);
  for (const id of NOT_OURS) {
    if (blocking.has(id)) {
      return fixed(blocking.get(id).status === NOT_CHECKED ? HeadlineKind.CANNOT_CHECK : HeadlineKind.NOT_PUBLISHED);
    }
  }
  if (blocking.has("recipient") && blocking.size === 1) return fixed(HeadlineKind.RECIPIENT_UNCONFIRMED);
  return fixed(HeadlineKind.CANNOT_CHECK);
}
