// Checks and the verdict they add up to: the rules of generator/verify/results.py.
//
// A check passed, failed or was not checked. A check that was not checked blocks a valid verdict only when it
// applies (no recipient given does not; a status list that could not be read does).

import { SUITES } from "./dataintegrity.js";

export const PASSED = "passed";
export const FAILED = "failed";
export const NOT_CHECKED = "not checked";

export const Verdict = Object.freeze({
  INVALID: "invalid",
  REVOKED: "revoked",
  EXPIRED: "expired",
  NOT_YET_VALID: "not yet valid",
  UNTRUSTED: "untrusted",
  RECIPIENT_MISMATCH: "recipient does not match",
  VALID: "valid",
});

/** Checks whose failure means the document is not what its issuer signed ("hash": the page's own). */
export const AUTHENTICITY = ["hash", "structure", ...SUITES.map((suite) => `proof:${suite}`), "proof", "key"];

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
  const status = checks.find((c) => c.id === "status");
  if (status && status.status === FAILED) {
    // A status entry that names no entry of its list is not a revocation: the credential is malformed.
    return status.reason.startsWith("revoked") ? Verdict.REVOKED : Verdict.INVALID;
  }
  const validity = checks.find((c) => c.id === "validity");
  if (validity && validity.status === FAILED) {
    return validity.reason.startsWith("not valid before") ? Verdict.NOT_YET_VALID : Verdict.EXPIRED;
  }
  if (failed.has("recipient")) return Verdict.RECIPIENT_MISMATCH;
  if (!isValid(checks)) return Verdict.UNTRUSTED;
  return Verdict.VALID;
}
