// Verification as policies, one check each, in the order and with the rules of generator/verify/policies.py.
//
// The deliberate differences: an award the build published as it is (found by its hash) has its eddsa-rdfc-2022
// proof taken as the registry's check verified it before publishing it; any other file's is checked here, with the
// vendored jsonld (rdfc.js) loaded only then. A credential of another issuer is held to the compact form of its own
// context (generator/crypto/compactform.py), its JSON-LD round trip made with that same jsonld (rdfc.js
// roundTripProblems). And of the registry's own status list, beside its eddsa-jcs-2022 proof, the eddsa-rdfc-2022
// proof's key and time are checked but not its signature (statusListBits says why that is safe).
// Everything a policy needs from the site comes through `ctx.site` (a SiteData) and is verified on arrival:
// keys belong to the credential's issuer, status lists and revocations carry the issuer's valid signature.

import { JCS_SUITE, RDFC_SUITE, SUITES, isObject, proofsOf, verifyJcsProof } from "./dataintegrity.js";
import { bindingProblem } from "./binding.js";
import { DataError, isId } from "./sitedata.js";
import { decodeEd25519Public, EncodingError, sha256Hex, unquote } from "./encoding.js";
import { canonicalize, wellFormed } from "./jcs.js";
import { check, notChecked } from "./results.js";
import { decodeList, getBit, indexProblem, parseIndex, parseListUrl, StatusListError } from "./statuslist.js";
import { SPACE, UNSEEN, byCodePoint, dropIgnored, lookalikeKeys, pyRepr as reprOf, pyStrip } from "./text.js";

export const VC2_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2";
export const OB3_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.";
// Python's whitespace and str.strip() (text.js): what the recipient rules trim and refuse, and conformance.py's
// \S in a URI.
export { SPACE, pyStrip };
const URI = new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*:[^${SPACE}]+$`);
// openbadges.py _EMAIL: no space and no control character (C0, DEL, C1) in an address.
const NOT_IN_EMAIL = `@${SPACE}\\x00-\\x1f\\x7f-\\x9f`;
const EMAIL = new RegExp(`^[^${NOT_IN_EMAIL}]+@[^${NOT_IN_EMAIL}]+\\.[^${NOT_IN_EMAIL}]+$`);

// --- small helpers ----------------------------------------------------------------------------------------

// The date-time grammar of generator/_internal/times.py (XSD dateTimeStamp and RFC 3339 at once): ASCII digits,
// a real calendar date, 00-23:00-59:00-59, Z or an offset within +-14:00, at most 64 characters.
export const MAX_TIME_CHARS = 64;
const TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const MIN_INSTANT = Date.UTC(2000, 0, 1) - 730119 * 86400000; // 0001-01-01T00:00:00Z
const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Milliseconds since the epoch of a dateTimeStamp value, or null (generator/_internal/times.py parse_time). */
export function parseTime(value) {
  if (typeof value !== "string" || value.length > MAX_TIME_CHARS) return null;
  const m = TIME.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const monthDays = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (d > monthDays[mo - 1]) return null;
  let offset = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (om > 59 || oh > 14 || (oh === 14 && om !== 0)) return null;
    offset = (m[8][0] === "-" ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(h, mi, s, m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0);
  const instant = date.getTime() - offset;
  return instant < MIN_INSTANT || instant > MAX_INSTANT ? null : instant;
}

/** [milliseconds, microseconds within the millisecond] of a dateTimeStamp value, or null: the microsecond
 * Python compares at (parseTime stops at the millisecond). */
function instant(value) {
  const ms = parseTime(value);
  if (ms === null) return null;
  const fraction = TIME.exec(value)[7] || "";
  return [ms, Number(fraction.slice(3, 6).padEnd(3, "0"))];
}

/** Why validUntil does not close the window validFrom opens, said of validUntil, or null
 * (generator/_internal/times.py validity_window_problem, which says why an equal instant is refused unless
 * `sameAllowed`: VC 2.0 allows it, the registry's own awards and endorsements do not). */
export function validityWindowProblem(validFrom, validUntil, sameAllowed = false) {
  if (validUntil === undefined || validUntil === null) return null;
  const start = instant(validFrom);
  const end = instant(validUntil);
  if (start === null || end === null) return null;
  const sign = order(end, start);
  if (sign > 0 || (sameAllowed && sign === 0)) return null;
  const relation = sign === 0 ? "the same instant as" : "before";
  return `${validUntil} is ${relation} validFrom ${validFrom}: its validity period is empty`;
}

/** The calendar day of a timestamp as written (YYYY-MM-DD), as Python's "%Y-%m-%d" prints it. */
export function day(value) {
  return parseTime(value) !== null ? value.slice(0, 10) : String(value);
}

function types(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  return [];
}

function idOf(value) {
  if (typeof value === "string") return value;
  if (isObject(value) && typeof value.id === "string") return value.id;
  return null;
}

function get(object, key) {
  return isObject(object) && Object.hasOwn(object, key) ? object[key] : undefined;
}

function pyStr(value) {
  if (value === undefined || value === null) return "None";
  return typeof value === "string" ? value : JSON.stringify(value);
}

// --- the credential under verification ---------------------------------------------------------------------

export function issuerIdOf(document) {
  const issuer = get(document, "issuer");
  const id = isObject(issuer) ? get(issuer, "id") : issuer;
  return typeof id === "string" ? id : null;
}

/**
 * `issuer/slug` of the credential an award's achievement id names on this site (`siteUrl`, ending in "/"), or null
 * when it names none (generator/registry.py Registry.credential_ref).
 */
export function credentialRefOf(document, siteUrl) {
  const subject = get(document, "credentialSubject");
  const achievement = isObject(subject) ? get(subject, "achievement") : undefined;
  const url = isObject(achievement) ? get(achievement, "id") : undefined;
  const prefix = `${siteUrl}credentials/`;
  if (typeof url !== "string" || !url.startsWith(prefix)) return null;
  const parts = url.slice(prefix.length).replace(/^\/+|\/+$/g, "").split("/");
  return parts.length === 2 ? parts.join("/") : null;
}

export function achievementOf(document) {
  let subject = get(document, "credentialSubject");
  if (Array.isArray(subject)) subject = subject.length ? subject[0] : undefined;
  const value = get(subject, "achievement");
  return isObject(value) ? value : {};
}

/**
 * What the policies consult. `site` resolves keys and status lists; `entry` is the award's shard entry when
 * it is registered here; `hash` is the award's own hash; `now` is a Date.
 */
export class Context {
  constructor({ document, site, now, hash = null, entry = null, recipient = null, recipientKey = null }) {
    Object.assign(this, { document, site, now: now.getTime(), hash, entry, recipient, recipientKey });
    this.issuerId = issuerIdOf(document);
    this.achievement = achievementOf(document);
    this.proofs = proofsOf(document).filter(isObject);
    this._keys = new Map();
  }

  /** The public key behind a verification method (registry key, did:key, or Multikey fragment), or null. */
  keyFor(method) {
    if (!this._keys.has(method)) this._keys.set(method, resolveKey(this.site, method));
    return this._keys.get(method);
  }

  async registryIssuer() {
    return this.issuerId === null ? null : this.site.issuerOf(this.issuerId);
  }
}

/** The id the DID document of `did` gives its key `keyId` (generator/verify/keys.py method_id). */
export function methodId(did, keyId) {
  return `${did}#${keyId}`;
}

/**
 * The record of `records` (a keys.json's keys: `did`'s registered keys) that `method` names, or null: only as
 * `did`'s DID document lists it, exactly `<did>#<key id>`; any other spelling (the key's multibase value, another
 * case, a percent-encoded fragment) is no method of that document. generator/verify/keys.py named_key, held equal
 * by tests/site/test_verify_endorsement_js.py.
 */
export function namedKey(records, did, method) {
  if (typeof method !== "string" || !Array.isArray(records)) return null;
  const cut = method.lastIndexOf("#");
  if (cut < 0) return null;
  const fragment = method.slice(cut + 1);
  const key = records.find((k) => isObject(k) && k.id === fragment) ?? null;
  return key !== null && method === methodId(did, fragment) ? key : null;
}

async function resolveKey(site, method) {
  if (typeof method !== "string") return null;
  const hash = method.indexOf("#");
  const did = hash < 0 ? method : method.slice(0, hash);
  const fragment = hash < 0 ? "" : method.slice(hash + 1);
  const issuer = await site.issuerOf(did);
  if (issuer !== null) {
    const doc = await site.keys(issuer);
    if (doc === null) throw new DataError(`issuers/${issuer}/keys.json is missing`);
    if (doc.did !== did || !Array.isArray(doc.keys)) throw new DataError(`issuers/${issuer}/keys.json is malformed`);
    // Exactly as the issuer's DID document names the method (generator/verify/keys.py RegistryKeyResolver).
    const record = namedKey(doc.keys, did, method);
    if (!record) return null;
    try {
      return {
        public: decodeEd25519Public(record.publicKeyMultibase),
        controller: did,
        issuer,
        record,
        confirmed: true,
        source: `registered key "${record.id}" of ${issuer}`,
      };
    } catch (error) {
      if (error instanceof EncodingError) throw new DataError(`key ${record.id} of ${issuer} is malformed`);
      throw error;
    }
  }
  try {
    if (did.startsWith("did:key:")) {
      const multikey = did.slice("did:key:".length);
      if (hash >= 0 && fragment !== multikey) return null;
      return {
        public: decodeEd25519Public(multikey),
        controller: did,
        issuer: null,
        record: null,
        confirmed: true,
        source: "did:key",
      };
    }
    if (fragment.startsWith("z6Mk")) {
      return {
        public: decodeEd25519Public(fragment),
        controller: did,
        issuer: null,
        record: null,
        confirmed: false,
        source: "Multikey fragment",
      };
    }
  } catch (error) {
    if (error instanceof EncodingError) return null;
    throw error;
  }
  return null;
}

/**
 * When a credential was signed, as every rule on it reads it (generator/verify/keys.py signing_times): each
 * proof's `created` (of the proofs by `method`, when given), as [written, parseTime(written)]; null: unreadable.
 */
export function signingTimes(proofs, method = null) {
  return proofs
    .filter((proof) => method === null || get(proof, "verificationMethod") === method)
    .map((proof) => [get(proof, "created"), parseTime(get(proof, "created"))]);
}

/** Why a registry key could not sign at `when` (a timestamp string), or null when it could. Compared at the
 * microsecond, as Python compares (generator/verify/keys.py window_problem): keys.json carries the key file's
 * instants to the microsecond. */
export function windowProblem(record, when) {
  const at = instant(when);
  const signed = `signed on ${day(when)}`;
  const from = instant(record.valid_from);
  const until = instant(record.valid_until);
  const revoked = instant(record.revoked_at);
  if (from === null || at === null || order(at, from) < 0)
    return `${signed}, before key ${record.id} became valid (${day(record.valid_from)})`;
  if (until !== null && order(at, until) > 0) return `${signed}, after key ${record.id} was retired (${day(record.valid_until)})`;
  if (revoked !== null && order(at, revoked) >= 0) {
    return `${signed}, after key ${record.id} was revoked (${day(record.revoked_at)}: ${pyStr(record.revocation_reason)})`;
  }
  return null;
}

/** Negative, zero or positive as instant `a` is before, at or after instant `b` (both from `instant`). */
function order(a, b) {
  return a[0] - b[0] || a[1] - b[1];
}

/** Negative, zero or positive as the clock `now` (a Date, or milliseconds: a whole millisecond) is before, at or
 * after the instant the date-time `value` names (null: unreadable). To the microsecond, as Python compares its
 * clock with validFrom and validUntil: read to the millisecond, "2026-06-01T00:00:00.0005Z" would already be
 * in force at 00:00:00.000, which Python says it is not. Every window is inclusive at both ends: not yet in
 * force while this is negative against validFrom, expired once it is positive against validUntil. */
export function clockOrder(now, value) {
  const at = instant(value);
  return at === null ? null : order([Number(now), 0], at);
}

// The bounds of validFrom (generator/verify/policies.py valid_from_before_key / valid_from_before_definition).

export function validFromBeforeKey(document, record) {
  const value = get(document, "validFrom");
  const start = instant(value);
  const from = instant(record.valid_from);
  if (start === null || (from !== null && order(start, from) >= 0)) return null;
  return `validFrom ${value.slice(0, 10)} is before key ${record.id} became valid (${day(record.valid_from)})`;
}

export function validFromBeforeDefinition(document, created) {
  const value = get(document, "validFrom");
  if (parseTime(value) === null || value.slice(0, 10) >= created) return null;
  return `validFrom ${value.slice(0, 10)} is before the credential was first published (${created})`;
}

// --- structure (generator/verify/conformance.py) -------------------------------------------------------------

export function structureProblems(doc) {
  if (!isObject(doc)) return ["the credential is not a JSON object"];
  const out = [];
  const contexts = get(doc, "@context");
  if (!Array.isArray(contexts) || !contexts.length || contexts[0] !== VC2_CONTEXT_URL) {
    out.push(`@context: the first context must be ${VC2_CONTEXT_URL}`);
  } else if (!contexts.some((c) => typeof c === "string" && c.startsWith(OB3_CONTEXT_PREFIX))) {
    out.push(`@context: must include the Open Badges 3.0 context (${OB3_CONTEXT_URL})`);
  }
  const kinds = types(get(doc, "type"));
  if (!kinds.includes("VerifiableCredential")) out.push("type: must include VerifiableCredential");
  if (!kinds.includes("OpenBadgeCredential") && !kinds.includes("AchievementCredential")) {
    out.push("type: must include OpenBadgeCredential (or AchievementCredential)");
  }
  if (Object.hasOwn(doc, "id") && !(typeof doc.id === "string" && URI.test(doc.id))) out.push("id: must be a URI");
  const issuer = idOf(get(doc, "issuer"));
  if (issuer === null || !URI.test(issuer)) {
    out.push("issuer: must be a URI or a Profile with an id");
  } else if (isObject(doc.issuer) && !types(get(doc.issuer, "type")).includes("Profile")) {
    out.push("issuer.type: must include Profile");
  }
  for (const name of ["validFrom", "validUntil"]) {
    const value = get(doc, name);
    if ((value === undefined || value === null) && name === "validFrom")
      out.push("validFrom: required (OB 3.0 on VC 2.0)");
    else if (value !== undefined && value !== null && parseTime(value) === null) {
      out.push(`${name}: must be an XML Schema dateTime with a time zone`);
    }
  }
  const window = validityWindowProblem(get(doc, "validFrom"), get(doc, "validUntil"), true);
  if (window !== null) out.push(`validUntil: ${window}`);
  if (Object.hasOwn(doc, "issuanceDate") || Object.hasOwn(doc, "expirationDate")) {
    out.push("issuanceDate/expirationDate are VC 1.1 properties; VC 2.0 uses validFrom/validUntil");
  }
  out.push(...subjectProblems(get(doc, "credentialSubject")));
  const proofs = get(doc, "proof");
  const list = Array.isArray(proofs) ? proofs : isObject(proofs) ? [proofs] : [];
  if (!list.length) out.push("proof: the credential carries no Data Integrity proof");
  list.forEach((proof, i) => {
    if (!isObject(proof)) {
      out.push(`proof[${i}]: must be an object`);
      return;
    }
    for (const key of ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"]) {
      if (typeof get(proof, key) !== "string") out.push(`proof[${i}].${key}: required`);
    }
    out.push(...proofProblems(proof).map((problem) => `proof[${i}].${problem}`));
  });
  const status = get(doc, "credentialStatus");
  if (status !== undefined && status !== null) {
    (Array.isArray(status) ? status : [status]).forEach((entry, i) => {
      if (!isObject(entry) || !types(get(entry, "type")).length)
        out.push(`credentialStatus[${i}]: must be an object with a type`);
    });
  }
  return out;
}

/** What a credential's proof says that no verifier may read past, whatever its key (generator/verify/conformance.py
 * proof_problems): a `created` that is not a date-time. (The purpose is verifyWithHash's, dataintegrity.js.) */
export function proofProblems(proof) {
  if (Object.hasOwn(proof, "created") && parseTime(proof.created) === null)
    return ["created: must be an XML Schema dateTime with a time zone"];
  return [];
}

function subjectProblems(subject) {
  const subjects = Array.isArray(subject) ? subject : [subject];
  if (!subjects.length || !subjects.every(isObject))
    return ["credentialSubject: required, an AchievementSubject object"];
  // Every rule (the achievement's owner, the recipient) reads one subject (conformance.py _subject_problems).
  if (subjects.length > 1) return [`credentialSubject: must be one AchievementSubject, not ${subjects.length}`];
  const out = [];
  for (const s of subjects) {
    if (!types(get(s, "type")).includes("AchievementSubject"))
      out.push("credentialSubject.type: must include AchievementSubject");
    const achievement = get(s, "achievement");
    if (!isObject(achievement)) {
      out.push("credentialSubject.achievement: required, an Achievement object");
    } else {
      for (const key of ["id", "name", "description"]) {
        if (typeof get(achievement, key) !== "string") out.push(`credentialSubject.achievement.${key}: required`);
      }
      if (!types(get(achievement, "type")).includes("Achievement"))
        out.push("credentialSubject.achievement.type: must include Achievement");
      const criteria = get(achievement, "criteria");
      if (!isObject(criteria) || !(Object.hasOwn(criteria, "id") || Object.hasOwn(criteria, "narrative"))) {
        out.push("credentialSubject.achievement.criteria: required, with an id or a narrative");
      }
    }
    const identifiers = Object.hasOwn(s, "identifier") ? s.identifier : [];
    (Array.isArray(identifiers) ? identifiers : [identifiers]).forEach((ident, i) => {
      if (!isObject(ident)) {
        out.push(`credentialSubject.identifier[${i}]: must be an IdentityObject`);
        return;
      }
      for (const key of ["identityHash", "identityType"]) {
        if (typeof get(ident, key) !== "string") out.push(`credentialSubject.identifier[${i}].${key}: required`);
      }
      if (typeof get(ident, "hashed") !== "boolean")
        out.push(`credentialSubject.identifier[${i}].hashed: required, true or false`);
    });
    const hasIdentifiers = Array.isArray(identifiers) ? identifiers.length > 0 : Boolean(identifiers);
    if (!Object.hasOwn(s, "id") && !hasIdentifiers)
      out.push("credentialSubject: needs an id or an identifier naming the recipient");
  }
  return out;
}

// --- the registry's profiles (generator/models/award.py, generator/models/endorsement.py) --------------------
//
// The pydantic models' validation, error for error: the same allow-list (every key known for its object's
// type, every value of its JSON type, no coercion), the same patterns read as Python's Rust engine reads them
// (`$` is the end of the text, `\s` is Unicode White_Space), and pydantic's errors in pydantic's order: an
// object's fields in declaration order (each with its own validators right after it), then the keys it does
// not know, then the object's validators once all its fields hold. A list longer than its maximum says only
// that; a shorter one says so only when its items hold. An error is {loc, type, msg, input} in pydantic's words
// (a ValueError's without the "Value error, " that every caller in Python removes). A rule is
// `(value, loc, out, data) => ok`, pushing its errors onto `out`; `data` holds the object's fields validated
// so far (pydantic's info.data). One difference: JavaScript lists an object's integer-like keys first, so of
// two unknown keys the one named first may differ when one of them is "0", "1"….

// Whitespace as each engine reads \s: Rust's is Unicode White_Space (ECMAScript's also holds U+FEFF and lacks
// U+0085); Python re's is str.isspace() (White_Space and the separators U+001C-U+001F): SPACE above.
const ENGINE_SPACE = {
  rust: "\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000",
  python: SPACE,
};

/**
 * A pattern of the models as written there (`source`, which pydantic's words quote), read as `engine` reads
 * it: each \s or \S, in a class or not, becomes that engine's whitespace or its complement (a class holding \S
 * becomes the one-character group it stands for). Held equal over all of Unicode by
 * tests/site/test_endorsement_profile_js.py.
 */
export function pattern(source, engine = "rust") {
  const space = ENGINE_SPACE[engine];
  let out = "";
  for (let i = 0; i < source.length; i++) {
    if (source[i] === "\\") {
      const escape = source.slice(i, i + 2);
      out += escape === "\\s" ? `[${space}]` : escape === "\\S" ? `[^${space}]` : escape;
      i += 1;
    } else if (source[i] === "[") {
      let j = i + 1;
      const negated = source[j] === "^";
      if (negated) j += 1;
      let body = "";
      let nonSpace = false;
      for (; source[j] !== "]"; j++) {
        if (source[j] !== "\\") body += source[j];
        else if (source[++j] === "S") nonSpace = true;
        else body += source[j] === "s" ? space : `\\${source[j]}`;
      }
      if (!nonSpace) out += `[${negated ? "^" : ""}${body}]`;
      else if (!body) out += `[${negated ? "" : "^"}${space}]`;
      else out += negated ? `(?:(?![${body}])[${space}])` : `(?:[^${space}]|[${body}])`;
      i = j;
    } else {
      out += source[i];
    }
  }
  return { source, re: new RegExp(out, "u") };
}

/** The text patterns of generator/models/_base.py (TEXT_PATTERN, ONE_LINE_PATTERN) in ECMAScript spelling. */
export const TEXT = pattern(`^[^${UNSEEN}]*$`);
export const ONE_LINE = pattern(`^[^\\S\\n\\r${UNSEEN}]*[^\\s${UNSEEN}][^\\n\\r${UNSEEN}]*$`);
// An email address anywhere in a published string: _EMAIL_IN_TEXT, which Python's own engine (re) reads; its local
// part the one character before the "@" (a run of them searched for from every character was quadratic).
const EMAIL_IN_TEXT = pattern(
  "(?<=[^@\\s/:])@[^@\\s/]+\\.(?:(?:[A-Za-z]|[^\\x00-\\x7F\\s]){2,}|[\\ufb00-\\ufb06])",
  "python",
).re;
// READ_AS: characters read as "@", "~", "." or nothing by anyone looking, and their percent-escaped UTF-8
// (_ESCAPED_LOOKALIKE).
export const READ_AS = {
  "@": "\uff20\ufe6b",
  "~": "\uff5e\u223c\u301c\u02dc\u2053",
  ".": "\u3002\uff0e\uff61\u2024\ufe52",
  "+": "\uff0b\ufe62",
  // Spaces of other widths (Ogham's, en to hair, narrow no-break, mathematical, ideographic).
  " ": "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000",
  // Fullwidth, Arabic-Indic, Persian and Devanagari digits.
  ...Object.fromEntries(
    [...Array(10).keys()].map((digit) => [
      String(digit),
      [0xff10, 0x0660, 0x06f0, 0x0966].map((zero) => String.fromCharCode(zero + digit)).join(""),
    ]),
  ),
  "": "\u00ad\u200b\u200c\u200d\u2060\ufeff" +
    "\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f",
};
const LOOKALIKE = new Map(Object.entries(READ_AS).flatMap(([plain, chars]) => [...chars].map((c) => [c, plain])));
const ESCAPED_LOOKALIKE = new RegExp(
  [...LOOKALIKE.keys()]
    .map((c) => [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""))
    .join("|"),
  "gi",
);
const LOOKALIKE_CHAR = new RegExp(`[${[...LOOKALIKE.keys()].join("")}]`, "g");
// An HTML character reference (_REFERENCE, _NAMED): numeric ones undone for printable ASCII and the look-alikes.
const REFERENCE = /&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(commat|period|tilde|amp|percnt|num|sol));/g;
const NAMED = { commat: "@", period: ".", tilde: "\u02dc", amp: "&", percnt: "%", num: "#", sol: "/" };
function referenced(whole, decimal, hexadecimal, name) {
  if (name !== undefined) return NAMED[name];
  const code = decimal !== undefined ? parseInt(decimal, 10) : parseInt(hexadecimal, 16);
  const char = code <= 0x10ffff ? String.fromCodePoint(code) : "";
  return (code >= 0x20 && code <= 0x7e) || LOOKALIKE.has(char) ? char : whole;
}
// _ESCAPED_CODE: a JSON, JavaScript or Python escape typed out (\u0040, \u{40}, \x40, \U00000040,
// \N{COMMERCIAL AT}), undone as a reference is; _NAMED_CODE: the names undone (any case, as Python reads them).
const ESCAPED_CODE = /\\(?:u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}|x([0-9A-Fa-f]{2})|U([0-9A-Fa-f]{8})|N\{([A-Za-z ]{1,30})\})/g;
const NAMED_CODE = { "COMMERCIAL AT": "@", "FULL STOP": ".", TILDE: "~", "PLUS SIGN": "+" };
function codeEscaped(whole, four, braced, two, eight, name) {
  if (name !== undefined) return Object.hasOwn(NAMED_CODE, name.toUpperCase()) ? NAMED_CODE[name.toUpperCase()] : whole;
  const code = parseInt(four ?? braced ?? two ?? eight, 16);
  const char = code <= 0x10ffff ? String.fromCodePoint(code) : "";
  return (code >= 0x20 && code <= 0x7e) || LOOKALIKE.has(char) ? char : whole;
}
// _ROUNDS: how many times asRead undoes escapes and references at most (each round reads the whole text).
export const ROUNDS = 8;
/**
 * A string as a reader reads it, ASCII escapes and HTML character references decoded and look-alike at signs,
 * tildes and full stops read as "@", "~", ".": _as_read.
 */
export function asRead(value) {
  for (let round = 0; round < ROUNDS; round++) {
    const decoded = value
      .replace(/%([0-7][0-9A-Fa-f])/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
      .replace(REFERENCE, referenced)
      .replace(ESCAPED_CODE, codeEscaped);
    if (decoded === value) break;
    value = decoded;
  }
  return dropIgnored(
    value.replace(ESCAPED_LOOKALIKE, (escaped) => decodeURIComponent(escaped)).replace(LOOKALIKE_CHAR, (c) => LOOKALIKE.get(c)),
  );
}
const PRIVACY = "recipients are published only as a hash keyed with a secret recipient key (docs/privacy.md)";
/** An earner's verification link in a published string: RECIPIENT_KEY_IN_TEXT. */
const RECIPIENT_KEY_IN_TEXT = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}[\t\n\r ]*~[\t\n\r ]*[0-9A-Fa-f]{32}(?![0-9A-Fa-f])/u;
// _PHONE_GAP and PHONE_IN_TEXT: a phone number, international, a tel: link, national where the text names it a
// phone, North America's (212) 555-0123, or WhatsApp's wa.me/<number> (explicit classes, read alike by both engines).
const PHONE_GAP = "[ .()/\\-\\u00a0\\u202f\\u2010-\\u2015]{0,2}";
const PHONE_IN_TEXT = new RegExp(
  `(?<![A-Za-z0-9_+])\\+[1-9](?:${PHONE_GAP}[0-9]){7,14}(?![0-9])` +
    `|[Tt][Ee][Ll]:\\+?[0-9](?:${PHONE_GAP}[0-9]){6,14}` +
    "|(?<![A-Za-z])(?:[Pp][Hh][Oo][Nn][Ee]|[Tt][Ee][Ll](?:[Ee][Pp][Hh][Oo][Nn][Ee]|[Ee][Ff][Oo][Nn])?|[Mm][Oo][Bb][Ii][Ll][Ee]" +
    "|[Cc][Ee][Ll][Ll]|[Hh][Aa][Nn][Dd][Yy]|[Ff][Aa][Xx]|[Ww][Hh][Aa][Tt][Ss][Aa][Pp][Pp])" +
    `(?:[ .:=]|_?[Nn][Oo]|_?[Nn][Rr]|_?[Nn][Uu][Mm][Bb][Ee][Rr]){0,4}` +
    `\\(?(?:00[1-9](?:${PHONE_GAP}[0-9]){7,14}|0?[1-9](?:${PHONE_GAP}[0-9]){6,13})(?![0-9])` +
    "|(?<![0-9])\\([2-9][0-9]{2}\\) ?[2-9][0-9]{2}[ .\\-][0-9]{4}(?![0-9])" +
    "|(?<![A-Za-z0-9.\\-])[Ww][Aa]\\.[Mm][Ee]/\\+?[1-9][0-9]{6,14}(?![0-9])",
  "g",
);
// _COORDINATES: decimal coordinates, a pair or ISO 6709's, which are no phone number.
const COORDINATES =
  /(?<![0-9.])[+-]?[0-9]{1,3}\.[0-9]+(?: ?, ?|[+-](?=[0-9]{1,3}(?:\.[0-9]+)?[/ ]|[0-9]{1,3}\.[0-9]+))[+-]?[0-9]{1,3}\.[0-9]+/g;
/** _is_phone: a number of country 1 is +1 and ten digits, its area and exchange codes beginning with 2 to 9. */
function isPhone(found) {
  if (!found.startsWith("+1")) return true;
  const digits = found.replace(/[^0-9]/g, "");
  const spaced = digits.length + 1 < found.length;
  return (digits.length === 11 || (spaced && digits.length > 11)) && !"01".includes(digits[1]) && !"01".includes(digits[4]);
}
/** _names_a_phone: a phone number (PHONE_IN_TEXT, isPhone) in `read`, coordinates aside. */
function namesAPhone(read) {
  for (const [found] of read.replace(COORDINATES, " ").matchAll(PHONE_IN_TEXT)) if (isPhone(found)) return true;
  return false;
}
// _NO_PERSON: an "@" that names nobody (an image's pixel density, a Git remote's git@, a cloud service account).
const NO_PERSON = new RegExp(
  "@(?=[0-9]+(?:\\.[0-9]+)?x\\.(?:png|jpe?g|gif|webp|avif|svg|bmp|ico|tiff?|heic)(?![A-Za-z0-9]))" +
    "|(?<=git)(?<![A-Za-z0-9._%+\\-]git)@(?=[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,}[:/])" +
    "|@(?=[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.gserviceaccount\\.com(?![A-Za-z0-9.\\-]))",
  "g",
);
// _SPELT_OUT: an address written out for people (ada [at] example [dot] org; a bare " at " only with a spelt dot).
const AT_WORD = "[Aa][Tt]";
const DOT_WORD = "[Dd][Oo][Tt]";
const LABEL = "[A-Za-z0-9\\-]+";
const SP = "[ +]"; // _SP: a space, or a "+" as a form's query writes one
const SPELT_DOT = `(?:${SP}?[\\[({<]${SP}?${DOT_WORD}${SP}?[\\])}>]${SP}?|${SP}${DOT_WORD}${SP})`;
const LOCAL = "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]+";
const SPELT_OUT = new RegExp(
  `${LOCAL}${SP}?[\\[({<]${SP}?${AT_WORD}${SP}?[\\])}>]${SP}?${LABEL}(?:(?:\\.|${SPELT_DOT})${LABEL})*(?:\\.|${SPELT_DOT})[A-Za-z]{2,}` +
    `|${LOCAL}${SP}${AT_WORD}${SP}${LABEL}(?:(?:\\.|${SPELT_DOT})${LABEL})*${SPELT_DOT}[A-Za-z]{2,}`,
);
// _QUOTED_PRINTABLE: "=40" for "@" where the local part opens a value.
const QUOTED_PRINTABLE = new RegExp(
  `(?:^|(?<=[ \\t\\r\\n"'(<,;=]))[A-Za-z0-9._%+\\-]+=40${LABEL}(?:\\.${LABEL})*\\.[A-Za-z]{2,}`,
);
// _SPACED_AT: an "@" spaced out (ada @ example.org, ada@ example.org); spaced before it only, a handle.
const SPACED_AT = new RegExp(
  `(?<=[A-Za-z0-9._%+\\-])(?:[ \\t+\\u00a0]{1,3}@|@(?=[ \\t+\\u00a0]))[ \\t+\\u00a0]{1,3}${LABEL}(?:\\.${LABEL})*\\.[A-Za-z]{2,}`,
);
/** _names_an_address: an address in `read`, typed, spaced, spelt out or quoted-printable; NO_PERSON's "@" aside. */
function namesAnAddress(read) {
  read = read.replace(NO_PERSON, " ");
  return (
    (read.includes("@") && (EMAIL_IN_TEXT.test(read) || SPACED_AT.test(read))) ||
    SPELT_OUT.test(read) ||
    QUOTED_PRINTABLE.test(read)
  );
}
// _BASE64_RUN, _HEX_RUN, _HEX_PAIRS, _IDN_LETTER, _ADDRESS_DECODED and _NESTED.
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}/g;
const HEX_RUN = /[0-9A-Fa-f]{16,}/g;
const HEX_PAIRS = /(?:[0-9A-Fa-f]{2}[:\- ,]){5,}[0-9A-Fa-f]{2}|(?:\\x[0-9A-Fa-f]{2}){6,}/g;
const IDN_LETTER = "\\u00c0-\\u02af\\u0370-\\u1fff\\u2c00-\\ud7ff";
const ADDRESS_DECODED = new RegExp(
  `(?<=[A-Za-z0-9._%+-])@[A-Za-z0-9${IDN_LETTER}-]+(?:\\.[A-Za-z0-9${IDN_LETTER}-]+)*\\.(?:[A-Za-z]{2,}|[${IDN_LETTER}]{2,})`,
  "u",
);
export const NESTED = 2;
// A byte order mark is kept, as Python's codecs keep it (asRead then reads it as nothing).
const DECODERS = ["utf-8", "utf-16le", "utf-16be"].map((label) => new TextDecoder(label, { ignoreBOM: true }));
/**
 * UTF-32 as Python's "utf-32-le"/"utf-32-be" codecs decode it with errors="replace" (TextDecoder has no UTF-32): a
 * unit beyond U+10FFFF or a surrogate is one U+FFFD, and so are 1 to 3 bytes left at the end; a byte order mark kept.
 */
function utf32(bytes, little) {
  const out = [];
  const whole = bytes.length - (bytes.length % 4);
  for (let i = 0; i < whole; i += 4) {
    const [a, b, c, d] = little ? [bytes[i + 3], bytes[i + 2], bytes[i + 1], bytes[i]] : bytes.subarray(i, i + 4);
    const code = (a * 0x1000000 + (b << 16)) + ((c << 8) | d);
    out.push(code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? "\ufffd" : String.fromCodePoint(code));
  }
  if (whole < bytes.length) out.push("\ufffd");
  return out.join("");
}
/** _decoded_texts: bytes as UTF-8 text, and as UTF-16 and UTF-32 of either order when they could hold an address so. */
function decodedTexts(bytes) {
  const utf16 = bytes.some((b) => b === 0 || b === 0xff || b === 0xfe);
  const texts = (utf16 ? DECODERS : DECODERS.slice(0, 1)).map((decoder) => decoder.decode(bytes));
  if (twoZeros(bytes)) texts.push(utf32(bytes, true), utf32(bytes, false));
  return texts;
}
/** Whether `bytes` hold two zero bytes together (Python's b"\0\0" in raw). */
function twoZeros(bytes) {
  for (let i = bytes.indexOf(0); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0, i + 1)) if (bytes[i + 1] === 0) return true;
  return false;
}
// _SEVEN_DIGITS: seven ASCII digits, as every phone number has (matched from the start, as Python's match).
const SEVEN_DIGITS = /^(?:[^0-9]*[0-9]){7}/;
// _ADDRESS, _PHONE: what an encoded text is found to name.
const ADDRESS = "an email address";
const PHONE = "a phone number";
/** _found_decoded: adds to `found` what `bytes`, read as text, name (an address, a phone number), or base64 again. */
// _READABLE: what a decoded text needs, one at least, to name anything (reading it makes none where none was).
const READABLE = new RegExp(`[@%&\\\\A-Za-z0-9+/_\\-${[...LOOKALIKE.keys()].join("")}]`);
function foundDecoded(bytes, nested, found) {
  for (const text of decodedTexts(bytes)) {
    if (!READABLE.test(text)) continue; // zeros, UTF-16 of noise: nothing to find
    const read = asRead(text);
    if (read.includes("@") && ADDRESS_DECODED.test(read.replace(NO_PERSON, " "))) found.add(ADDRESS);
    if (SEVEN_DIGITS.test(read) && namesAPhone(read)) found.add(PHONE);
    if (found.size === 2) return;
    if (nested) for (const kind of encoded(read, nested - 1)) found.add(kind);
  }
}
// _BASE32_RUN, _BASE32_SPARE: base32 in one case, and the characters left over that make no byte.
const BASE32_RUN = /[A-Z2-7]{10,}|[a-z2-7]{10,}/g;
const BASE32_SPARE = { 1: 1, 3: 1, 6: 1 };
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** Base32 as Python's b32decode reads it (of whole bytes: what bits are left over make none). */
function base32Bytes(text) {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let held = 0;
  let at = 0;
  for (const char of text.toUpperCase()) {
    bits = ((bits << 5) | BASE32.indexOf(char)) & 0xfff;
    held += 5;
    if (held >= 8) {
      held -= 8;
      out[at++] = (bits >> held) & 0xff;
    }
  }
  return out;
}
const hexBytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
/**
 * What a run of base64 or base64url in `read` names when it decodes to text (UTF-8 or UTF-16) holding an address or
 * a phone number as asRead reads it, itself or in base64 again (NESTED levels), or a run of hexadecimal digits or
 * pairs: _encoded.
 */
function encoded(read, nested = NESTED) {
  const found = new Set();
  for (const [run] of read.matchAll(BASE64_RUN)) {
    for (const part of run.includes("/") ? [run, ...run.split("/")] : [run]) {
      const standard = part.replace(/-/g, "+").replace(/_/g, "/");
      for (let start = 0; start < 4; start++) {
        const chunk = standard.slice(start);
        if (chunk.length < 8 || chunk.length % 4 === 1) continue;
        foundDecoded(Uint8Array.from(atob(chunk), (c) => c.charCodeAt(0)), nested, found);
        if (found.size === 2) return found;
      }
    }
  }
  for (const [run] of read.matchAll(HEX_RUN)) {
    for (let start = 0; start < 2; start++) {
      foundDecoded(hexBytes(run.slice(start, run.length - ((run.length - start) % 2))), 0, found);
    }
  }
  for (const [run] of read.matchAll(HEX_PAIRS)) foundDecoded(hexBytes(run.replace(/\\x|[:\- ,]/g, "")), 0, found);
  for (const [run] of read.matchAll(BASE32_RUN)) {
    for (let start = 0; start < 8; start++) {
      if (run.length - start >= 10 + (BASE32_SPARE[(run.length - start) % 8] ?? 0)) {
        foundDecoded(base32Bytes(run.slice(start)), 0, found);
      }
    }
  }
  return found;
}
/** Why a published string names a recipient (null when it does not): models/award.py _no_recipient_data. */
export function recipientDataProblem(value) {
  const read = asRead(value);
  const hidden = encoded(read);
  if (hidden.has(ADDRESS) || namesAnAddress(read)) return `must not contain an email address: ${PRIVACY}`;
  if (hidden.has(PHONE) || namesAPhone(read)) return `must not contain a phone number: ${PRIVACY}`;
  if (RECIPIENT_KEY_IN_TEXT.test(read)) {
    return (
      "must not contain a recipient key (an earner's verification link, <award hash>~<key>: give the link " +
      `without ~ and what follows): ${PRIVACY}`
    );
  }
  return null;
}

function fail(out, loc, type, msg, input) {
  out.push({ loc, type, msg, input });
  return false;
}

/** A validator's verdict (a message, or null when the value holds) as pydantic reports a ValueError. */
function holds(problem, value, loc, out) {
  return problem === null || fail(out, loc, "value_error", problem, value);
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const pyRepr = (value) => (value === true ? "True" : value === false ? "False" : `'${value}'`);
/** A list of strings as Python prints it. */
const pyList = (values) => `[${values.map(pyRepr).join(", ")}]`;

// pydantic reads a string as Unicode (refusing a lone surrogate) only to constrain it or compare it to a literal.
const NOT_UNICODE = "Input should be a valid string, unable to parse raw data as a unicode string";

/** A `str` field: strict type, then (in code points, as Python counts) length, pattern, and `after`. */
export function str({ min = null, max = null, pattern: shape = null, after = null } = {}) {
  const constrained = min !== null || max !== null || shape !== null;
  return (v, loc, out) => {
    if (typeof v !== "string") return fail(out, loc, "string_type", "Input should be a valid string", v);
    if (constrained && !wellFormed(v)) return fail(out, loc, "string_unicode", NOT_UNICODE, v);
    const length = [...v].length;
    if (min !== null && length < min)
      return fail(out, loc, "string_too_short", `String should have at least ${plural(min, "character")}`, v);
    if (max !== null && length > max)
      return fail(out, loc, "string_too_long", `String should have at most ${plural(max, "character")}`, v);
    if (shape !== null && !shape.re.test(v))
      return fail(out, loc, "string_pattern_mismatch", `String should match pattern '${shape.source}'`, v);
    return after === null || holds(after(v), v, loc, out);
  };
}

/** A `Literal[...]` (or an enum, which pydantic words alike): one of `values`, compared strictly. */
export function oneOf(...values) {
  const last = pyRepr(values[values.length - 1]);
  const expected = values.length === 1 ? last : `${values.slice(0, -1).map(pyRepr).join(", ")} or ${last}`;
  const strings = values.some((value) => typeof value === "string");
  return (v, loc, out) => {
    if (strings && typeof v === "string" && !wellFormed(v)) return fail(out, loc, "string_unicode", NOT_UNICODE, v);
    return values.includes(v) || fail(out, loc, "literal_error", `Input should be ${expected}`, v);
  };
}

/** A strict `float`: any JSON number, never a boolean. */
const number = (v, loc, out) =>
  (typeof v === "number" && Number.isFinite(v)) || fail(out, loc, "float_type", "Input should be a valid number", v);

/** A `list[item]` with pydantic's length rules (see above), then `after` on the whole list. */
export function listOf(item, { min = 0, max = Infinity, after = null } = {}) {
  return (v, loc, out) => {
    if (!Array.isArray(v)) return fail(out, loc, "list_type", "Input should be a valid list", v);
    if (v.length > max) {
      const msg = `List should have at most ${plural(max, "item")} after validation, not ${v.length}`;
      return fail(out, loc, "too_long", msg, v);
    }
    const start = out.length;
    v.forEach((x, i) => item(x, [...loc, i], out));
    if (out.length > start) return false;
    if (v.length < min) {
      const msg = `List should have at least ${plural(min, "item")} after validation, not ${v.length}`;
      return fail(out, loc, "too_short", msg, v);
    }
    return after === null || holds(after(v), v, loc, out);
  };
}

/** `rule`, then a field validator that also reads the fields before it (`check(value, data)`). */
const validatedBy = (rule, check) => (v, loc, out, data) =>
  rule(v, loc, out, data) && holds(check(v, data), v, loc, out);

export const OPTIONAL = { optional: true };

/**
 * A model: `name` (its class, which pydantic's words name), `fields` as [JSON key, rule, OPTIONAL?] in
 * declaration order (an optional field may be absent or null, its default), `before` and `after` its model
 * validators (on the raw object, and on the object once its fields hold).
 */
export function model(name, fields, { before = null, after = null } = {}) {
  const known = new Set(fields.map(([key]) => key));
  return (v, loc, out) => {
    if (!isObject(v)) return fail(out, loc, "model_type", `Input should be a valid dictionary or instance of ${name}`, v);
    if (before !== null && !holds(before(v), v, loc, out)) return false;
    const start = out.length;
    const data = {};
    for (const [key, rule, { optional = false } = {}] of fields) {
      if (!Object.hasOwn(v, key)) {
        if (!optional) fail(out, [...loc, key], "missing", "Field required", v);
      } else if ((optional && v[key] === null) || rule(v[key], [...loc, key], out, data)) {
        data[key] = v[key];
      }
    }
    for (const key of Object.keys(v))
      if (!known.has(key)) fail(out, [...loc, key], "extra_forbidden", "Extra inputs are not permitted", v[key]);
    return out.length === start && (after === null || holds(after(v), v, loc, out));
  };
}

/** An error as the Python checks print it: where (the path of keys and indexes, joined by dots), then what. */
export function errorText({ loc, msg }) {
  return loc.length ? `${loc.join(".")}: ${msg}` : msg;
}

/** `_types_including`: a list of strings that names `required`. */
const typesIncluding = (required) =>
  listOf(str(), { after: (v) => (v.includes(required) ? null : `must include '${required}'`) });

/** `_types_exactly`: a list of strings that is exactly `names` (a further type could name the earner). */
const typesExactly = (...names) =>
  listOf(str(), {
    after: (v) =>
      sameList(v, names) ? null : `must be exactly ${pyList(names)}: the registry publishes no other type (${PRIVACY})`,
  });

const TIMESTAMP_SHAPE = pattern(
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$",
);
const timestampProblem = (v) =>
  parseTime(v) === null ? "not a date-time: a real calendar date and time, with Z or an offset within +-14:00" : null;

/** `Timestamp`: the grammar's shape, then parse_time's whole rule. */
export const TIMESTAMP = str({ pattern: TIMESTAMP_SHAPE, after: timestampProblem });

/** validUntil: a `Timestamp` with `closes_window` as its field validator (strictly after validFrom). */
export const VALID_UNTIL = validatedBy(TIMESTAMP, (v, data) => validityWindowProblem(data.validFrom, v));

/** times.py PUBLISHED_TIME_PATTERN: the one form of an award's times (whole seconds, UTC, Z). */
const PUBLISHED_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

/** times.py _FREE_DIGITS: what free digits in a time could say, by what publishes it (an award, an endorsement, a
 * status list), in the same words. */
const FREE_DIGITS = {
  award: "could order or name an award's recipient",
  endorsement: "could carry a number or a message beside what the endorsement says",
  "status list": "could carry a number or a message beside the list's bits",
};

/** times.py published_time_problem, in the same words. */
export function publishedTimeProblem(value, what = "award") {
  return PUBLISHED_TIME.test(value)
    ? null
    : "must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ), as the registry writes it: a fraction of a second or " +
        `an offset is free digits that ${FREE_DIGITS[what]} (docs/privacy.md)`;
}

/** A `Timestamp` in the one form `what` publishes, refused in its words (award.py `AwardTime`, endorsement.py
 * `EndorsementTime`). */
const publishedTime = (what) =>
  str({ pattern: TIMESTAMP_SHAPE, after: (v) => timestampProblem(v) ?? publishedTimeProblem(v, what) });

/** award.py `AwardTime`: a `Timestamp` in the one form an award publishes. */
export const AWARD_TIME = publishedTime("award");

/** validUntil of an award: an `AwardTime` with `closes_window`. */
export const AWARD_VALID_UNTIL = validatedBy(AWARD_TIME, (v, data) => validityWindowProblem(data.validFrom, v));

/** endorsement.py `EndorsementTime`: the same form, in an endorsement's words (it has no recipient). */
export const ENDORSEMENT_TIME = publishedTime("endorsement");

/** validUntil of an endorsement: an `EndorsementTime` with `closes_window`. */
export const ENDORSEMENT_VALID_UNTIL = validatedBy(ENDORSEMENT_TIME, (v, data) =>
  validityWindowProblem(data.validFrom, v),
);

/** award.py signed_at_valid_from: each proof created at the award's (or endorsement's: `what`) validFrom, in the
 * same form. */
export function signedAtValidFrom(doc, what = "award") {
  const does = what === "award" ? "could order or name its recipient" : "is free digits beside it";
  for (const [index, proof] of doc.proof.entries()) {
    let problem = publishedTimeProblem(proof.created, what);
    if (problem === null && proof.created !== doc.validFrom) {
      problem =
        `must be the ${what}'s validFrom (${doc.validFrom}): the registry signs an ${what} when it issues it, and ` +
        `a signing time of its own ${does} (docs/privacy.md)`;
    }
    if (problem !== null) return `proof.${index}.created: ${problem}`;
  }
  return null;
}

/** awardedDate: an `AwardTime` with `awarded_on_valid_from` as its field validator (the award's validFrom, exactly). */
const AWARDED = validatedBy(AWARD_TIME, (v, data) =>
  data.validFrom === undefined || v === data.validFrom
    ? null
    : `must be the award's validFrom (${data.validFrom}): the registry awards on the day it is valid from`,
);

/** URN_UUID, anchored: the one spelling of an award's or endorsement's id, a random (version 4) UUID. */
export const URN_UUID = str({
  pattern: pattern("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"),
});

/** Whether two lists of strings are equal (not by their JSON: a lone surrogate has none, yet compares). */
const sameList = (a, b) => a.length === b.length && a.every((item, i) => item === b[i]);

/** `_exact_context` (and `_types`): the list is exactly `expected`. */
export const exactly = (expected) => (v) => (sameList(v, expected) ? null : `must be exactly ${pyList(expected)}`);

const IMAGE = model("ImageRef", [
  ["id", str({ pattern: pattern("^https://\\S+$") })],
  ["type", oneOf("Image")],
]);
export const PROFILE = model("ProfileRef", [
  ["id", str({ pattern: pattern("^(?:did:|https://)\\S+$") })],
  ["type", typesIncluding("Profile")],
  ["name", str()],
  ["url", str(), OPTIONAL],
  ["email", str(), OPTIONAL],
  ["image", IMAGE, OPTIONAL],
]);
const ACHIEVEMENT = model("AchievementRef", [
  ["id", str({ pattern: pattern("^https://\\S+$") })],
  ["type", typesIncluding("Achievement")],
  ["achievementType", str(), OPTIONAL],
  ["name", str()],
  ["description", str()],
  ["criteria", model("CriteriaRef", [["id", str(), OPTIONAL], ["narrative", str(), OPTIONAL]])],
  ["creator", PROFILE, OPTIONAL],
  ["inLanguage", str(), OPTIONAL],
  ["version", str(), OPTIONAL],
  ["image", IMAGE, OPTIONAL],
  [
    "alignment",
    listOf(
      model("AlignmentRef", [
        ["type", listOf(oneOf("Alignment"))],
        ["targetName", str()],
        ["targetUrl", str()],
        ["targetType", str(), OPTIONAL],
        ["targetFramework", str(), OPTIONAL],
        ["targetCode", str(), OPTIONAL],
      ]),
    ),
    OPTIONAL,
  ],
  ["tag", listOf(str()), OPTIONAL],
  ["creditsAvailable", number, OPTIONAL],
]);
const IDENTITY = model(
  "IdentityObject",
  [
    ["type", oneOf("IdentityObject")],
    ["hashed", oneOf(true)],
    ["identityHash", str({ pattern: pattern("^sha256\\$[0-9a-f]{64}$") })],
    ["identityType", oneOf("emailAddress")],
  ],
  {
    // Named before the generic unknown-key error: the mistake an OB 3.0 tool makes by default.
    before: (v) =>
      Object.hasOwn(v, "salt")
        ? "salt: a published salt makes the recipient's address guessable by trying addresses; the registry " +
          `never publishes it: ${PRIVACY}`
        : null,
  },
);
const SUBJECT_FIELDS = ["type", "identifier", "achievement"];
const AWARD_SUBJECT = model(
  "AwardSubject",
  [
    ["type", typesExactly("AchievementSubject")],
    ["identifier", listOf(IDENTITY, { min: 1, max: 1 })],
    ["achievement", ACHIEVEMENT],
  ],
  {
    before: (v) => {
      const extra = Object.keys(v).filter((k) => !SUBJECT_FIELDS.includes(k)).sort(byCodePoint);
      return extra.length
        ? `${extra.join(", ")}: the award's subject holds no recipient data besides the keyed hash in ` +
            `'identifier' (${PRIVACY})`
        : null;
    },
  },
);
const EVIDENCE = model("EvidenceRef", [
  [
    "id",
    str({
      max: 8192, // MAX_EVIDENCE_URL: no server reads a longer request line
      pattern: pattern("^https?://\\S+$"),
      after: recipientDataProblem,
    }),
  ],
  ["type", listOf(oneOf("Evidence"))],
]);
export const STATUS_ENTRY = model(
  "StatusEntry",
  [
    ["id", str()],
    ["type", oneOf("BitstringStatusListEntry")],
    ["statusPurpose", oneOf("revocation")],
    ["statusListIndex", str({ pattern: pattern("^(?:0|[1-9][0-9]{0,9})$") })],
    ["statusListCredential", str({ pattern: pattern("^https://\\S+/status/[0-9]+\\.json$") })],
  ],
  {
    // StatusEntry._id_names_the_slot
    after: (v) =>
      v.id === `${v.statusListCredential}#${v.statusListIndex}`
        ? null
        : "id: must be the status list's URL, '#' and the index (statusListCredential#statusListIndex), as " +
          `the registry writes it (${PRIVACY})`,
  },
);
export const PROOF = model("AwardProof", [
  ["type", oneOf("DataIntegrityProof")],
  ["cryptosuite", oneOf(...SUITES)],
  ["created", TIMESTAMP],
  ["verificationMethod", str({ pattern: pattern("^did:\\S+#\\S+$") })],
  ["proofPurpose", oneOf("assertionMethod")],
  ["proofValue", str({ pattern: pattern("^z[1-9A-HJ-NP-Za-km-z]{80,90}$") })],
  ["@context", listOf(str()), OPTIONAL],
]);

/** `_both_suites`: one proof of each suite, both by one key. */
export function proofSet(proofs) {
  if (!sameList(proofs.map((p) => p.cryptosuite).sort(), [...SUITES].sort()))
    return `the proof set must hold ${SUITES.map((s) => `one ${s}`).join(" and ")} proof`;
  if (proofs[0].verificationMethod !== proofs[1].verificationMethod) return "both proofs must be made by the same key";
  return null;
}

/** award.py proof_contexts: the JCS proof repeats the credential's @context (`what`: "award", …); the RDFC one has
 * none, not even null. */
export const proofContexts = (context, what) => (doc) => {
  for (const proof of doc.proof) {
    // Present counts, even as null: it would stand in for the document's @context in what the proof signs.
    const given = Object.hasOwn(proof, "@context") ? proof["@context"] : undefined;
    const expected = proof.cryptosuite === JCS_SUITE ? context : undefined;
    const same = given === undefined || expected === undefined ? given === expected : Array.isArray(given) && sameList(given, expected);
    if (!same) {
      const where = expected ? `must repeat the ${what}'s @context` : "must not carry an @context";
      return `proof: the ${proof.cryptosuite} proof ${where}`;
    }
  }
  return null;
};

/** The award model (`Award`), with the @context the registry issues (verify/index.json's award_context). */
function awardModel(awardContext) {
  return model(
    "Award",
    [
      ["@context", listOf(str(), { min: 2, after: exactly(awardContext) })],
      ["id", URN_UUID],
      ["type", typesExactly("VerifiableCredential", "OpenBadgeCredential")],
      ["name", str()],
      ["issuer", PROFILE],
      ["validFrom", AWARD_TIME],
      ["validUntil", AWARD_VALID_UNTIL, OPTIONAL],
      ["awardedDate", AWARDED, OPTIONAL],
      ["credentialSubject", AWARD_SUBJECT],
      ["evidence", listOf(EVIDENCE), OPTIONAL],
      ["credentialStatus", STATUS_ENTRY],
      ["proof", listOf(PROOF, { min: 2, max: 2, after: proofSet })],
    ],
    { after: (doc) => proofContexts(awardContext, "award")(doc) ?? signedAtValidFrom(doc) },
  );
}

/** What keeps `doc` from the registry's award profile, as generator/verify/policies.py lists it (empty: it fits). */
export function profileProblems(doc, awardContext) {
  if (!Array.isArray(awardContext)) throw new DataError("verify/index.json is malformed");
  const out = [];
  awardModel(awardContext)(doc, [], out);
  return out.map(errorText);
}

// --- the compact form of any other credential (generator/crypto/compactform.py, rules 0-5; 6 is rdfc.js's) -------

const PROOF_KEYS = ["id", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "@context"];
// compactform.py _ABSOLUTE_IRI, _BLANK_NODE: the same expressions (u: a code point at a time, as Python reads).
const NOT_IN_IRI = "\\x00-\\x20<>\"{}|^`\\\\\\x7f-\\xa0\\u1680\\u180e\\u2000-\\u200b\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const ABSOLUTE_IRI = new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*:[^${NOT_IN_IRI}]*$`, "u");
const BLANK_NODE = new RegExp(`^_:[^${NOT_IN_IRI}]+$`, "u");

// compactform.py MAX_OBJECTS, MAX_VALUES (rule 0): what the page's JSON-LD round trip reads in a few seconds.
export const MAX_OBJECTS = 250;
export const MAX_VALUES = 5000;
export const MAX_PROOFS = 4; // compactform.py MAX_PROOFS: each RDFC proof canonicalizes the whole credential again

/** compactform.py size_problem, in the same words: why `doc` is too large to be read here as JSON-LD, or null
 * (asked only of a credential of an issuer not registered here, before its round trip). */
export function sizeProblem(doc) {
  let objects = 0;
  let values = 0;
  const stack = [doc];
  while (stack.length) {
    const item = stack.pop();
    values += 1;
    if (Array.isArray(item)) for (const member of item) stack.push(member);
    else if (isObject(item)) {
      objects += 1;
      for (const member of Object.values(item)) stack.push(member);
    }
  }
  for (const [count, limit, what] of [[objects, MAX_OBJECTS, "JSON objects"], [values, MAX_VALUES, "JSON values"]]) {
    if (count > limit) {
      return (
        `the credential holds ${count} ${what}, more than the ${limit} a credential may hold here: reading ` +
        "a larger one as JSON-LD would take the page a minute or more"
      );
    }
  }
  const proofs = isObject(doc) ? doc.proof : undefined;
  if (Array.isArray(proofs) && proofs.length > MAX_PROOFS) {
    return (
      `the credential carries ${proofs.length} proofs, more than the ${MAX_PROOFS} a credential may carry here: ` +
      "each is checked over the whole credential"
    );
  }
  // A context URL listed again changes nothing but is processed again (2,000 times: 22 s here).
  const contexts = isObject(doc) ? doc["@context"] : undefined;
  if (Array.isArray(contexts)) {
    const seen = new Set();
    for (const url of contexts) {
      if (typeof url === "string" && seen.has(url)) {
        const times = contexts.filter((c) => c === url).length;
        return `@context lists ${url} ${times} times: a context is listed once`;
      }
      if (typeof url === "string") seen.add(url);
    }
  }
  return null;
}

/** compactform.py _reference_terms (rule 5): what the credential's contexts define, read once. */
function referenceTerms(doc, contexts) {
  const terms = new Set();
  const ids = new Set();
  const vocabs = new Map();
  for (const url of doc["@context"]) {
    const table = contexts[url];
    for (const t of table.terms) terms.add(t);
    for (const t of table.ids) ids.add(t);
    for (const [t, scoped] of Object.entries(table.vocabs)) {
      if (!vocabs.has(t)) vocabs.set(t, new Set());
      for (const s of scoped) vocabs.get(t).add(s);
    }
  }
  return { terms, ids, vocabs };
}

/** compactform.py _relative (rule 5): adds to `bad` the paths of the relative references among the values of `key`
 * (at `path`), its lists' lists too: JSON-LD flattens a list in a list of a term's values into them. */
function relativeAt(key, path, value, { terms, ids, vocabs }, bad) {
  if (!ids.has(key) && !vocabs.has(key)) return;
  const members = [[path, value]];
  while (members.length) {
    const [at, member] = members.pop();
    if (Array.isArray(member)) {
      for (let i = member.length - 1; i >= 0; i--) members.push([`${at}[${i}]`, member[i]]);
      continue;
    }
    if (typeof member !== "string" || ABSOLUTE_IRI.test(member) || BLANK_NODE.test(member)) continue;
    if (vocabs.has(key) && (terms.has(member) || vocabs.get(key).has(member))) continue;
    bad.push(at);
  }
}

/** What the JSON alone shows that keeps `doc` from its one compact form (empty when nothing does). `contexts`:
 * verify/index.json's, compactform.py context_terms (each known context URL's terms). */
export function jsonFormProblems(doc, contexts) {
  if (!isObject(contexts)) throw new DataError("verify/index.json is malformed");
  if (!isObject(doc)) return ["the credential is not a JSON object"];
  const out = [];
  const given = get(doc, "@context");
  const known = Array.isArray(given) && given.every((c) => typeof c === "string" && Object.hasOwn(contexts, c));
  if (!known) out.push("@context: must be a list of known context URLs (no inline or unknown contexts)");
  const proofs = get(doc, "proof");
  const proofSet = new Set((Array.isArray(proofs) ? proofs : [proofs]).filter(isObject));
  const seen = new Map();
  const badKeys = [];
  const tables = known ? referenceTerms(doc, contexts) : null;
  const relative = [];
  const stack = [["", doc]];
  while (stack.length) {
    const [where, item] = stack.pop();
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([`${where}[${i}]`, item[i]]);
      continue;
    }
    if (!isObject(item)) continue;
    const isProof = proofSet.has(item);
    // Keys in code-point order (compactform.py _walk): JSON.parse puts integer-like keys first, whatever the file says.
    const keys = Object.keys(item).sort(byCodePoint);
    for (const key of keys) {
      if (tables !== null) relativeAt(key, where ? `${where}.${key}` : key, item[key], tables, relative);
      if (key === "@context" && (item === doc || isProof)) continue;
      if (key.startsWith("@") || key.includes(":")) badKeys.push(where ? `${where}.${key}` : key);
    }
    if (isProof) {
      const extra = keys.filter((k) => !PROOF_KEYS.includes(k));
      if (extra.length) out.push(`${where}: a proof may not carry ${extra.join(", ")}`);
    }
    const nodeId = get(item, "id");
    if (typeof nodeId === "string" && Object.keys(item).length > 1) {
      const form = jsonOf(item);
      if (form !== null) {
        if (!seen.has(nodeId)) seen.set(nodeId, form);
        else if (seen.get(nodeId) !== form) out.push(`${where}: ${nodeId} is described twice, differently`);
      }
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push([where ? `${where}.${keys[i]}` : keys[i], item[keys[i]]]);
  }
  if (badKeys.length) {
    const more = badKeys.length > 5 ? ` (and ${badKeys.length - 5} more)` : "";
    out.push(`keys must be the context's terms, not JSON-LD keywords or IRIs: ${badKeys.slice(0, 5).join(", ")}${more}`);
  }
  if (relative.length) {
    const more = relative.length > 5 ? ` (and ${relative.length - 5} more)` : "";
    out.push(
      "ids and types must be absolute IRIs (scheme:…), blank nodes (_:…) or, for a type, terms of the " +
        "credential's contexts, not relative references each JSON-LD library resolves against a base of its " +
        `own: ${relative.slice(0, 5).join(", ")}${more}`,
    );
  }
  return out;
}

// --- the policies ------------------------------------------------------------------------------------------

export async function structurePolicy(ctx) {
  const label = "Structure (Open Badges 3.0 on VC 2.0)";
  let problems = structureProblems(ctx.document);
  if (!problems.length) {
    const index = await ctx.site.index();
    const registered = (await ctx.registryIssuer()) !== null;
    if (registered) problems = profileProblems(ctx.document, get(index, "award_context"));
    else {
      const tooLarge = sizeProblem(ctx.document); // compactform.py compact_form_problems: before every other rule
      if (tooLarge !== null) problems = [tooLarge];
    }
    if (!problems.length) problems = jsonFormProblems(ctx.document, get(index, "contexts"));
    if (!problems.length && !registered) {
      // Any other credential: the compact form of its own context, by a JSON-LD round trip (loaded only now).
      const { roundTripProblems } = await import("./rdfc.js");
      problems = await roundTripProblems(ctx.document);
    }
  }
  if (problems.length) return check("structure", label, false, problems.join("; "));
  return check("structure", label, true, "a well-formed OpenBadgeCredential");
}

export async function rdfcProofPolicy(ctx) {
  const id = `proof:${RDFC_SUITE}`;
  const label = `Signature (${RDFC_SUITE})`;
  if (!ctx.proofs.some((p) => p.cryptosuite === RDFC_SUITE)) {
    return notChecked(id, label, `the credential has no ${RDFC_SUITE} proof`, { applicable: false });
  }
  if (ctx.entry !== null && ctx.hash !== null) {
    // The entry was found by this document's own hash: it is the award the build published as it is.
    return check(id, label, true, "verified by the registry's check before this exact award was published");
  }
  if ((await ctx.registryIssuer()) === null) {
    // Canonicalizing costs time growing with the file (18 s for 12,000 small objects): a credential of an issuer
    // not registered here is bounded first, by the structure check's rule 0, in its words (policies.py ProofPolicy).
    const tooLarge = sizeProblem(ctx.document);
    if (tooLarge !== null) return check(id, label, false, tooLarge);
  }
  // Not an award the build published as it is: canonicalize its RDF here, with code loaded only now.
  const { verifyRdfcProof } = await import("./rdfc.js");
  for (const proof of ctx.proofs.filter((p) => p.cryptosuite === RDFC_SUITE)) {
    const method = proof.verificationMethod;
    const key = await ctx.keyFor(method);
    if (key === null) {
      return check(id, label, false, `verification method ${pyStr(method)} cannot be resolved: it is not a key registered here`);
    }
    const result = await verifyRdfcProof(ctx.document, proof, key.public);
    if (!result.ok) return check(id, label, false, result.reason);
  }
  return check(id, label, true, "signature matches");
}

export async function jcsProofPolicy(ctx) {
  const id = `proof:${JCS_SUITE}`;
  const label = `Signature (${JCS_SUITE})`;
  const proofs = ctx.proofs.filter((p) => p.cryptosuite === JCS_SUITE);
  if (!proofs.length) {
    // As in Python: the eddsa-rdfc-2022 proof, checked here too, is then the one that proves authenticity.
    return notChecked(id, label, `the credential has no ${JCS_SUITE} proof`, { applicable: false });
  }
  for (const proof of proofs) {
    const method = proof.verificationMethod;
    const key = await ctx.keyFor(method);
    if (key === null)
      return check(
        id,
        label,
        false,
        `verification method ${pyStr(method)} cannot be resolved: it is not a key registered here`,
      );
    const result = await verifyJcsProof(ctx.document, proof, key.public);
    if (!result.ok) return check(id, label, false, result.reason);
  }
  return check(id, label, true, "signature matches");
}

export async function unsupportedProofPolicy(ctx) {
  const others = [...new Set(ctx.proofs.map((p) => pyStr(p.cryptosuite || p.type)))]
    .filter((s) => !SUITES.includes(s))
    .sort();
  if (others.length)
    return check("proof", "Other proofs", false, `unsupported proof type or cryptosuite: ${others.join(", ")}`);
  return notChecked("proof", "Other proofs", "no other proofs", { applicable: false });
}

export async function keyPolicy(ctx) {
  const label = "Signing key";
  const issuer = ctx.issuerId;
  const reasons = [];
  const methods = [
    ...new Set(ctx.proofs.filter((p) => SUITES.includes(p.cryptosuite)).map((p) => pyStr(p.verificationMethod))),
  ].sort();
  if (!methods.length) return check("key", label, false, "no proof names a verification method");
  for (const method of methods) {
    const key = await ctx.keyFor(method);
    if (key === null)
      return check("key", label, false, `${method} cannot be resolved: it is not a key registered here`);
    if (key.controller !== issuer) {
      const owner = key.issuer ? `issuer '${key.issuer}'` : key.controller;
      return check("key", label, false, `the key belongs to ${owner}, not to the credential's issuer`);
    }
    if (!key.confirmed)
      return check("key", label, false, `cannot confirm that ${key.controller} controls the key in ${method}`);
    if (key.record !== null) {
      for (const [created, at] of signingTimes(ctx.proofs, method)) {
        if (at === null) return check("key", label, false, "a proof has no valid 'created' time");
        const problem = windowProblem(key.record, created);
        if (problem) return check("key", label, false, problem);
      }
      const early = validFromBeforeKey(ctx.document, key.record);
      if (early) return check("key", label, false, early);
      reasons.push(`${key.source}, valid when it signed`);
    } else {
      reasons.push(`${key.source} (the key is the issuer's identifier)`);
    }
  }
  return check("key", label, true, reasons.join("; "));
}

export async function issuerPolicy(ctx) {
  const label = "Issuer registered";
  const id = await ctx.registryIssuer();
  if (id !== null) {
    const records = await ctx.site.records(id);
    const problem = issuerProblem(get(ctx.document, "issuer"), get(records, "profile"), id, records, ctx.proofs);
    if (problem) return check("issuer", label, false, problem);
    return check("issuer", label, true, `${pyStr(records.profile.name)} (registered as ${id})`);
  }
  if (ctx.issuerId === null) return check("issuer", label, false, "the credential names no issuer");
  const issuer = get(ctx.document, "issuer");
  const name = isObject(issuer) ? get(issuer, "name") : undefined;
  return check("issuer", label, false, unregisteredIssuerReason(ctx.issuerId, name, await ctx.site.issuerNames()));
}

/**
 * Why an issuer is not one of this registry's (`names`: each registered issuer's name by id), and whose name the
 * name its credential gives it reads like, if it does (lookalikeKeys, either key shared): Python's
 * unregistered_issuer_reason.
 */
export function unregisteredIssuerReason(issuerId, name, names) {
  const reason = `${pyStr(issuerId)} is not an issuer registered in this registry`;
  // Every value of a name in languages (nameValues), as both verifiers show them all (policies.py).
  const values = (nameValues(name) ?? []).map(([word]) => word).filter((word) => pyStrip(word) !== "");
  if (!values.length) return reason;
  // A set: a name of a hundred thousand values (a megabyte of file) is compared with every registered name.
  const keys = new Set(values.flatMap((word) => lookalikeKeys(word)));
  const namesake = Object.keys(names)
    .sort()
    .find((id) => typeof names[id] === "string" && lookalikeKeys(names[id]).some((key) => keys.has(key)));
  if (namesake === undefined) return reason;
  const registered = reprOf(names[namesake]);
  return `${reason}; its name ${reprOf(nameWords(name))} reads like that of ${namesake}, a registered issuer (${registered}), which it is not`;
}

const VALUE_KEYS = new Set(["@value", "@language", "@direction"]);

/**
 * A name as a file writes it, as [value, language] pairs (generator/verify/policies.py name_values): text (no
 * language); or, as VC 2.0 and OB 3.0 allow, a value object ({"@value": ..., "@language": ...}) or a list of them.
 * Anything else (a number, a list of plain text, a value object with other keys) is no name: null.
 */
export function nameValues(value) {
  if (typeof value === "string") return [[value, null]];
  const objects = Array.isArray(value) && value.length ? value : [value];
  const pairs = [];
  for (const one of objects) {
    if (!isObject(one) || typeof one["@value"] !== "string" || !Object.keys(one).every((k) => VALUE_KEYS.has(k)))
      return null;
    const language = one["@language"];
    if (Object.hasOwn(one, "@language") && typeof language !== "string") return null;
    pairs.push([one["@value"], typeof language === "string" ? language : null]);
  }
  return pairs;
}

/**
 * A name as a file writes it, in words (generator/verify/policies.py name_words): each of its values (nameValues)
 * with its language tag in brackets after it, joined by " / ": every word the file gives, none picked over another.
 * null when it is no name.
 */
export function nameWords(value) {
  const pairs = nameValues(value);
  if (pairs === null) return null;
  return pairs.map(([word, language]) => word + (language !== null ? ` [${language}]` : "")).join(" / ");
}

/**
 * The achievement is a credential its issuer defines here, and says what the registry's definition says (the
 * records the build publishes in verify/records/<issuer>.json: generator/verify/records.py).
 */
export async function credentialPolicy(ctx) {
  const label = "Credential defined";
  const issuer = await ctx.registryIssuer();
  if (issuer === null) {
    // A foreign credential that names one of our Achievement ids claims a credential another issuer owns.
    const prefix = `${(await ctx.site.index()).site_url}credentials/`;
    const achievementId = get(ctx.achievement, "id");
    const reused = await bindingProblem(ctx.site, prefix, achievementId, ctx.issuerId, pyStr(ctx.issuerId));
    if (reused !== null) return check("credential", label, false, reused);
    return notChecked("credential", label, "the issuer is not registered here", { applicable: false });
  }
  const index = await ctx.site.index();
  const records = await ctx.site.records(issuer);
  const credentials = get(records, "credentials");
  const achievementId = get(ctx.achievement, "id");
  const prefix = `${index.site_url}credentials/`;
  const mine = `${prefix}${issuer}/`;
  if (typeof achievementId === "string" && achievementId.startsWith(mine) && achievementId.endsWith("/")) {
    const slug = achievementId.slice(mine.length, -1);
    const expected = isId(slug) && isObject(credentials) ? get(credentials, slug) : undefined;
    if (isObject(expected)) {
      const ref = `${issuer}/${slug}`;
      const name = get(ctx.document, "name");
      const problem = achievementProblem(ctx.achievement, name, expected, ref, records, ctx.proofs);
      if (problem) return check("credential", label, false, problem);
      ctx.credentialRef = ref;
      const early = validFromBeforeDefinition(ctx.document, await ctx.site.credentialCreated(issuer, slug));
      if (early) return check("credential", label, false, early);
      return check("credential", label, true, `${pyStr(expected.name)} (${ref})`);
    }
  }
  if (typeof achievementId === "string" && achievementId.startsWith(prefix)) {
    const owner = achievementId.slice(prefix.length).split("/")[0];
    if (owner !== issuer)
      return check("credential", label, false, `the achievement is ${owner}'s credential, not ${issuer}'s`);
  }
  return check("credential", label, false, `${pyStr(achievementId)} is not a credential ${issuer} defines here`);
}

// --- the registry's records (generator/verify/records.py) ----------------------------------------------------

/** JSON equality as RFC 8785 text (null when a value cannot be canonicalized: then it equals nothing). */
function jsonOf(value) {
  try {
    return value === undefined ? undefined : canonicalize(value);
  } catch {
    return null;
  }
}

function differing(actual, expected, fields = null) {
  if (!isObject(actual)) return ["(not an object)"];
  const keys = fields ?? [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  return keys.filter((k) => {
    if (Object.hasOwn(actual, k) !== Object.hasOwn(expected, k)) return true;
    const ours = jsonOf(get(actual, k));
    return ours === null || ours !== jsonOf(get(expected, k));
  });
}

function shown(value) {
  const text = value === undefined ? "None" : JSON.stringify(value);
  return text.length <= 80 ? text : `${text.slice(0, 77)}...`;
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const FORMER_RULE = "an award carries a former profile only if it was signed while that profile was current";

/**
 * The issuer's former profile `profile` is (records.py _former_match), as { entry, late }, or null: an award the
 * build published may carry one, as its issuer and its achievement's creator (the page never sees a new award),
 * if signed while it was current; `late` says why it was not ("" when it was). Either entry of a profile
 * recorded twice will do.
 */
function formerMatch(profile, records, proofs) {
  const former = get(records, "former_profiles");
  if (!Array.isArray(former)) throw new DataError("the published records are malformed");
  if (!isObject(profile)) return null;
  const ours = jsonOf(profile);
  if (ours === null) return null;
  let found = null;
  for (const entry of [...former].reverse()) {
    if (ours !== jsonOf(get(entry, "profile"))) continue;
    const late = signedAfter(get(entry, "until"), proofs);
    if (!late) return { entry, late };
    if (found === null) found = { entry, late };
  }
  return found;
}

/** Why an award signed with `proofs` was not signed by the end (UTC) of `until`, or "" (records.py _signed_after). */
function signedAfter(until, proofs) {
  if (typeof until !== "string" || !DATE.test(until)) throw new DataError("the published records are malformed");
  const times = signingTimes(proofs);
  if (!times.length) return "but the award has no proof to say when it was signed";
  for (const [created, at] of times) {
    if (at === null) return "but a proof has no valid 'created' time, so when the award was signed cannot be told";
    const signed = new Date(at).toISOString().slice(0, 10);
    if (signed > until)
      return `but the award was signed on ${signed} (UTC; proof created ${created}), after it was replaced`;
  }
  return "";
}

/** Why `who` (a former profile, `match`) is refused: records.py _former_refusal. */
function formerRefusal(who, match) {
  const name = pyStr(get(get(match.entry, "profile"), "name"));
  return `${who} former profile '${name}' (used until ${match.entry.until}), ${match.late}: ${FORMER_RULE}`;
}

function issuerProblem(issuer, expected, issuerId, records, proofs) {
  if (!isObject(expected)) throw new DataError(`verify/records/${issuerId}.json is malformed`);
  const fields = differing(issuer, expected);
  if (!fields.length) return null;
  if (!isObject(issuer)) return `the issuer must be ${issuerId}'s profile as registered`;
  const match = formerMatch(issuer, records, proofs);
  if (match !== null) return match.late ? formerRefusal(`the issuer is ${issuerId}'s`, match) : null;
  const [first] = fields;
  return (
    `the issuer's ${fields.join(", ")} differ${fields.length === 1 ? "s" : ""} from ${issuerId}'s registered ` +
    `profile (${first}: ${shown(get(issuer, first))}, registered: ${shown(get(expected, first))})`
  );
}

function versionOf(value) {
  if (typeof value !== "string" || !/^[0-9]+(?:\.[0-9]+){0,2}$/.test(value)) return null;
  const parts = value.split(".").map(Number);
  while (parts.length < 3) parts.push(0);
  return parts;
}

function older(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function achievementProblem(actual, name, expected, ref, records, proofs) {
  if (jsonOf(name) !== jsonOf(expected.name))
    return `the award's name ${shown(name)} is not the name of ${ref} (${shown(expected.name)})`;
  if (!isObject(actual)) return `the achievement must be ${ref} as defined in this registry`;
  const ours = versionOf(get(actual, "version"));
  const current = versionOf(get(expected, "version"));
  const earlier = ours !== null && current !== null && older(ours, current);
  const fixed = get(records, "fixed_fields");
  if (earlier && !Array.isArray(fixed)) throw new DataError("the published records are malformed");
  const fields = differing(actual, expected, earlier ? fixed : null);
  const creator = fields.includes("creator") ? formerMatch(get(actual, "creator"), records, proofs) : null;
  if (creator !== null) {
    fields.splice(fields.indexOf("creator"), 1);
    if (creator.late) return formerRefusal("the achievement's creator is its issuer's", creator);
  }
  if (!fields.length) return null;
  const [first] = fields;
  const which = earlier ? `version ${get(actual, "version")} of ${ref}` : `${ref} as defined in this registry`;
  return (
    `the achievement's ${fields.join(", ")} differ${fields.length === 1 ? "s" : ""} from ${which} ` +
    `(${first}: ${shown(get(actual, first))}, registered: ${shown(get(expected, first))})`
  );
}

/**
 * Whether a signed object (status list, revocation) carries valid proofs of a key of `issuerDid`, each registered
 * and in force when it signed (generator/verify/status.py signature_problem, for a list). `rdfc`: also
 * canonicalize its RDF to check an eddsa-rdfc-2022 proof (a file given here; the site's own files were checked
 * by the registry's check before they were published, so only that proof's key and time are checked for them).
 * `resolve`: the keys to read it by (an endorser's: endorserKeys), else `ctx`'s.
 */
export async function signedBy(ctx, doc, issuerDid, what, { rdfc = false, resolve = (method) => ctx.keyFor(method) } = {}) {
  const proofs = proofsOf(doc);
  if (!proofs.length) return `the ${what} is not signed`;
  // An eddsa-rdfc-2022 proof's signature is skipped only beside an eddsa-jcs-2022 proof, which covers the JSON
  // read: a document signed by RDFC alone is checked by it, as credreg verify checks it (RDF code loaded then).
  rdfc ||= !proofs.some((proof) => isObject(proof) && proof.cryptosuite === JCS_SUITE);
  let checked = 0;
  for (const proof of proofs) {
    const method = isObject(proof) && typeof proof.verificationMethod === "string" ? proof.verificationMethod : "";
    const key = await resolve(method);
    if (key === null || key.controller !== issuerDid) return `the ${what} is not signed by a key of the issuer`;
    if (key.record !== null) {
      const problem =
        parseTime(proof.created) === null
          ? "its proof has no valid created time"
          : windowProblem(key.record, proof.created);
      if (problem) return `the ${what}'s signature is not trusted: ${problem}`;
    }
    let result;
    if (proof.cryptosuite !== RDFC_SUITE) result = await verifyJcsProof(doc, proof, key.public);
    else if (!rdfc) continue; // its key and time are checked above
    else result = await (await import("./rdfc.js")).verifyRdfcProof(doc, proof, key.public);
    if (!result.ok) return `the ${what}'s signature does not verify: ${result.reason}`;
    checked += 1;
  }
  return checked ? null : `the ${what} has no ${JCS_SUITE} proof this page can check`;
}

/**
 * Why `list` is not the status list at `url` of the issuer `issuerDid` (null when it is): the rule of every reader
 * of a list, an award's status and a list given on its own (generator/verify/status.py owner_problem).
 */
export function listOwnerProblem(list, url, issuerDid, whose = "this credential's issuer") {
  return !isObject(list) || list.id !== url || list.issuer !== issuerDid ? `the status list does not belong to ${whose}` : null;
}

async function statusListBits(ctx, url, issuer, number, issuerDid) {
  const list = await ctx.site.statusList(issuer, number);
  if (list === null) return { bits: null, problem: `the status list ${url} is missing from this site` };
  // A deliberate difference from status.py signature_problem, which checks every proof: the page checks the
  // list's eddsa-jcs-2022 proof, and of its eddsa-rdfc-2022 proof only the key and time, so that verifying an
  // award loads no RDF code (tests/browser/test_verify_page.py holds that budget). It is safe: the JCS proof by the
  // issuer's key, in force when it signed, covers the exact JSON the bits are read from (its RDF says nothing
  // more the page reads); a list whose RDFC proof fails beside a valid JCS one can be made only with the issuer's
  // key, and `credreg check` refuses it before a build publishes it; and with a public log, the list the page
  // read must be the log's latest version of it (tlog.js listClause), which the build checked. Such a list is
  // "not revoked" here and of unknown status in `credreg verify` (tests/site/test_mutations_js.py).
  const problem = listOwnerProblem(list, url, issuerDid) ?? (await signedBy(ctx, list, issuerDid, "status list"));
  if (problem) return { bits: null, problem };
  return readableList(list, ctx.now);
}

/**
 * The bits of a status list whose owner and signature hold, if it is a well-formed revocation list in force at
 * `now`: {bits, problem: ""}, or {bits: null, problem}. The rule of every reader of a list for a credential's
 * status, an award's or an endorsement's (generator/verify/status.py readable_list, ListReading.at): a list that
 * is not a valid credential yields no status (Bitstring Status List §3.2).
 */
export async function readableList(list, now) {
  const { bits, problem } = await statusListStructure(list);
  if (bits === null) return { bits: null, problem: `the status list is not well-formed: ${problem}` };
  const outside = statusListWindowProblem(list, now);
  if (outside !== null) return { bits: null, problem: `the status list is not in force: ${outside}` };
  return { bits, problem: "" };
}

/** The shard entry's revocation, if its signature by the issuer holds: {revoked, reason} or {problem}. */
async function publishedRevocation(ctx, issuerDid) {
  const revocation = ctx.entry ? ctx.entry.revocation : undefined;
  if (revocation === undefined || revocation === null) return null;
  if (!isObject(revocation) || revocation.award !== ctx.hash)
    return { problem: "the published revocation is not this award's" };
  // Every proof of the line, an eddsa-rdfc-2022 one too (status.py vouching_line): a line carries one
  // eddsa-jcs-2022 proof, so the RDFC code is loaded only for a line that carries more.
  const problem = await signedBy(ctx, revocation, issuerDid, "revocation", { rdfc: true });
  if (problem) return { problem };
  return { revoked: revocation.revoked, reason: revocation.reason };
}

/** What a revocation the issuer's log records says (policies.py `revoked_reason`): `revoked` (`by` whom, for an
 * endorsement), the day and the published reason, each when there is one. */
export function revokedReason(revocation, by = "") {
  // A day only from a date-time (policies.py _day): the line is trusted by its signature alone, and its `revoked`
  // written as it is put the signer's words outside the quotation.
  const when = parseTime(revocation.revoked) !== null ? ` on ${day(revocation.revoked)}` : "";
  // The signer's words, quoted as Python quotes them (policies.py): never read as the registry's own text.
  const said = typeof revocation.reason === "string" ? pyStrip(revocation.reason) : ""; // not text: no reason
  const why = said ? ` for this reason: ${reprOf(said)}` : "";
  return `revoked${by}${when}${why}`;
}

/**
 * The status of the credential at `index` of a list whose verified bits are `bits` (null: the list cannot be
 * trusted, `problem` says why), given its issuer's signed revocation of it (`logged`: {revoked, reason}, or null):
 * {revoked: true, false or null (unknown), problem, revokedOn, reason, malformed}. A logged revocation stands
 * whatever the list says; without one an untrusted list leaves the status unknown, and an index beyond the list
 * makes the entry impossible. The rule of an award's status and of an issuer's endorsement's
 * (generator/verify/status.py status_outcome).
 */
export function statusOutcome(bits, problem, index, logged) {
  const revoked = (line) => ({
    revoked: true,
    problem: "",
    revokedOn: line ? line.revoked : null,
    reason: line ? line.reason : null,
    malformed: false,
  });
  if (bits === null) return logged ? revoked(logged) : { revoked: null, problem, malformed: false };
  const outside = indexProblem(index, bits);
  if (outside !== null) return { revoked: null, problem: outside, malformed: true };
  if (getBit(bits, index) || logged) return revoked(logged);
  return { revoked: false, problem: "", malformed: false };
}

export async function statusPolicy(ctx) {
  const label = "Not revoked";
  const entry = get(ctx.document, "credentialStatus");
  if (entry === undefined || entry === null) {
    return notChecked("status", label, "no status entry: its issuer cannot revoke it", { applicable: false });
  }
  if (ctx.issuerId === null) return notChecked("status", label, "the credential names no issuer", { applicable: true });
  const unknown = (problem) => notChecked("status", label, problem, { applicable: true });
  if (!isObject(entry) || entry.type !== "BitstringStatusListEntry")
    return unknown("credentialStatus is not a BitstringStatusListEntry");
  if (entry.statusPurpose !== "revocation")
    // Quoted as credreg verify quotes it (repr): "revocation " or "Revocation" shown bare read as the one purpose
    // the registry reads, said to be unsupported.
    return unknown(`status purpose ${reprOf(entry.statusPurpose)} is not supported`);
  const url =
    typeof entry.statusListCredential === "string" ? entry.statusListCredential : pyStr(entry.statusListCredential);
  const index = parseIndex(entry.statusListIndex);
  if (index === null)
    return check("status", label, false, "statusListIndex is not a canonical base-10 number string");
  const site = await ctx.site.index();
  const parsed = parseListUrl(site.site_url, url);
  const located =
    parsed !== null && Object.values(site.issuers).includes(parsed[0]) ? { issuer: parsed[0], number: parsed[1] } : null;
  const revocation = located ? await publishedRevocation(ctx, ctx.issuerId) : null;
  const signedRevocation = revocation && !revocation.problem ? revocation : null;
  const { bits, problem } = located
    ? await statusListBits(ctx, url, located.issuer, located.number, ctx.issuerId)
    : { bits: null, problem: `status list ${url} is not in this registry (the page never fetches elsewhere)` };
  const outcome = statusOutcome(bits, problem, index, signedRevocation);
  if (outcome.malformed) return check("status", label, false, outcome.problem);
  if (outcome.revoked === null) return unknown(outcome.problem);
  if (outcome.revoked) {
    if (signedRevocation) return check("status", label, false, revokedReason(signedRevocation));
    const note = revocation
      ? `; ${revocation.problem}, so its date and reason are not shown`
      : "; no reason is published";
    return check("status", label, false, `revoked (the issuer's signed status list says so${note})`);
  }
  if (revocation)
    return unknown(`the status list says not revoked, but a revocation is published for it: ${revocation.problem}`);
  return check("status", label, true, "not revoked (issuer's signed status list)");
}

export async function validityPolicy(ctx) {
  const label = "Validity period";
  const doc = isObject(ctx.document) ? ctx.document : {};
  const start = parseTime(get(doc, "validFrom"));
  const end = parseTime(get(doc, "validUntil"));
  if (start === null) return check("validity", label, false, "it has no readable start date (validFrom)");
  const rawEnd = get(doc, "validUntil");
  if (end === null && rawEnd !== undefined && rawEnd !== null)
    return check("validity", label, false, "its end date (validUntil) cannot be read");
  const sameAllowed = (await ctx.registryIssuer()) === null;
  const window = validityWindowProblem(get(doc, "validFrom"), rawEnd, sameAllowed);
  if (window !== null) return check("validity", label, false, `validUntil ${window}`);
  if (clockOrder(ctx.now, doc.validFrom) < 0) return check("validity", label, false, `not valid before ${day(doc.validFrom)}`);
  if (end !== null && clockOrder(ctx.now, rawEnd) > 0) return check("validity", label, false, `expired on ${day(doc.validUntil)}`);
  const until = end !== null ? ` until ${day(doc.validUntil)}` : ", does not expire";
  return check("validity", label, true, `valid from ${day(doc.validFrom)}${until}`);
}

// generator/openbadges.py NOT_UTF8_KEY: a typed key with a lone surrogate, which has no UTF-8 to hash.
export const NOT_UTF8_KEY = "the recipient key given is not UTF-8 text, so no recipient key (not shown: it is secret)";

/**
 * A recipient key as typed: trimmed; hex keys lowercased (generator.openbadges.normalize_recipient_key); null when
 * it is not Unicode text (a lone surrogate): Python refuses it, where the page hashed U+FFFD in its place.
 */
export function normalizeRecipientKey(key) {
  const value = pyStrip(key);
  if (!wellFormed(value)) return null;
  return /^[0-9a-fA-F]+$/.test(value) ? value.toLowerCase() : value;
}

export const NO_RECIPIENT_KEY =
  "cannot confirm without the recipient key: the registry never publishes it; it is in the earner's " +
  "verification link (after ~) and comes with their award file";

// generator/verify/policies.py NOT_SHA256: another algorithm (Open Badges 3.0 allows md5) is not compared.
export const NOT_SHA256 = "cannot confirm: its recipient hash is not SHA-256 (sha256$…), the one algorithm compared here";

/**
 * Whether `ident` is an email IdentityObject as Open Badges 3.0 types it: `hashed` a boolean, `identityHash` a
 * string, and `salt`, when present, a well-formed string (generator/verify/policies.py comparable_identifier: read
 * by truthiness and by each language's text of a value, one identifier said two things).
 */
export function comparableIdentifier(ident) {
  if (!isObject(ident) || get(ident, "identityType") !== "emailAddress") return false;
  if (typeof get(ident, "hashed") !== "boolean" || typeof get(ident, "identityHash") !== "string") return false;
  return !Object.hasOwn(ident, "salt") || (typeof ident.salt === "string" && wellFormed(ident.salt));
}

/**
 * The forms of a typed address an award's hash is compared with, or null when it is no address
 * (generator.openbadges.identifier_forms): trimmed, lowercased and composed (NFC), so "josé" matches however its
 * accent is written; and, for an award hashed before addresses were composed, the lowercased address as typed. A
 * code point this browser's Unicode does not assign is refused, as Python refuses one its own does not, and so is
 * a lone surrogate (no UTF-8 to hash: Python refuses it, where the page hashed U+FFFD in its place).
 */
export function identifierForms(typed) {
  const trimmed = pyStrip(typed);
  if (identifierProblem(typed) !== null) return null;
  const legacy = trimmed.toLowerCase();
  const value = legacy.normalize("NFC");
  return legacy === value ? [value] : [value, legacy];
}

// openbadges.py _UNTYPABLE_CATEGORIES and _UNTYPABLE_OTHERS: format characters, surrogates, private use and
// unassigned code points (Cf and Cn together hold the class whatever Unicode each side has), BRAILLE PATTERN BLANK
// and U+FFFD; the rest of Default_Ignorable_Code_Point is dropIgnored's set.
const UNTYPABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u2800\ufffd]/u;

/** Why `value` holds what nobody can type (null when it holds none): openbadges.py _untypable, word for word. */
function untypable(value) {
  let at = 0;
  for (const char of value) {
    at += 1;
    if (UNTYPABLE.test(char) || dropIgnored(char) === "") {
      const what = /\p{Cn}/u.test(char) ? "a code point this Unicode version does not know" : "an invisible character";
      const code = char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
      return `it holds ${what}, U+${code} (character ${at}), which nobody can type`;
    }
  }
  return null;
}

// openbadges.py _CAPITAL_SIGMA: lowercased by context (Final_Sigma), and whether a letter is cased changes between
// Unicode versions (U+0295 is cased in Python's 14, not in V8's 17): "ʕΣ" was "ʕς" to credreg and "ʕσ" here.
const CAPITAL_SIGMA = "\u03a3";

/**
 * Why the domain of `value` (of EMAIL's shape) is not the domain a mailer delivers to (null when it is):
 * openbadges.py _domain_problem, word for word. An empty label, labels parted by what IDNA reads as a full stop
 * (_IDNA_DOTS), or a compatibility form IDNA (NFKC) reads as another character: fullwidth letters and "＠", "․",
 * ligatures, circled letters; the mailbox is the plain spelling's, the hash is not.
 */
function domainProblem(value) {
  const at = value.lastIndexOf("@");
  const domain = value.slice(at + 1);
  if (domain.split(".").includes(""))
    return "its domain has an empty label (a dot at its end, at its start or two in a row)";
  if (/[\u3002\uff0e\uff61\u2024\ufe52]/.test(domain))
    return "its domain's labels are not parted by ASCII full stops: write each as '.'";
  let position = [...value.slice(0, at + 1)].length;
  for (const char of domain) {
    position += 1;
    const read = char.normalize("NFKC");
    if (read !== char.normalize("NFC")) {
      const code = char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
      return `its domain holds U+${code} (character ${position}), which a mailer reads as '${read}': write '${read}'`;
    }
  }
  return null;
}

/**
 * Why a typed address is none (null when it is one): openbadges.py _typable's words. Refused, not stripped: dropping
 * a zero-width space would make two strings one identity, and "awarded to ada@example.org" would confirm a string
 * that is not what the page shows.
 */
export function identifierProblem(typed) {
  const trimmed = pyStrip(typed);
  if (!EMAIL.test(trimmed) || !wellFormed(trimmed)) return `${quotedWithoutKey(typed)} is not an email address`;
  let problem = untypable(trimmed);
  if (problem === null && trimmed.includes(CAPITAL_SIGMA)) {
    const at = [...trimmed.slice(0, trimmed.indexOf(CAPITAL_SIGMA))].length + 1;
    problem =
      `it holds a capital sigma, U+03A3 (character ${at}), whose small letter (σ or ς) depends on the letters ` +
      "around it: write it small, as the address has it";
  }
  if (problem === null) problem = domainProblem(trimmed);
  return problem === null ? null : `${quotedWithoutKey(typed)} is not an email address: ${problem}`;
}

// What may stand for a link's "~" before its recipient key, in the link decoded once as it is read: "~", what is
// read as one (READ_AS) and "%7e" (a link escaped twice). generator/openbadges.py _KEY_SEPARATOR.
const KEY_SEPARATOR = new RegExp(["~", "%7e", ...READ_AS["~"]].join("|"), "i");
// A recipient key on its own (no more hex digits on either side): _KEY_DIGITS.
const KEY_DIGITS = /(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])/;

/**
 * The part of a link as given before what may be an earner's recipient key, decoded as a link is read; null when
 * nothing in it may be one (generator.openbadges.before_key): what the address keeps of a link the page cannot
 * read, so that a key in it does not stay there.
 */
export function beforeKey(text) {
  const decoded = unquote(String(text ?? ""));
  const found = decoded.search(KEY_SEPARATOR);
  return found < 0 ? null : decoded.slice(0, found);
}

/** Input that could not be read as a message may quote it (generator.openbadges.quoted_without_key). */
export function quotedWithoutKey(text) {
  const before = beforeKey(text);
  if (KEY_DIGITS.test(before ?? text)) return "the text given (not shown: it may hold a recipient key)";
  return before === null ? reprOf(text) : `${reprOf(before)}… (the rest, which may hold a recipient key, not shown)`;
}

export async function recipientPolicy(ctx) {
  const label = "Recipient";
  if (ctx.recipient === null || ctx.recipient === undefined || pyStrip(ctx.recipient) === "") {
    return notChecked("recipient", label, "not compared: type the recipient's email address to check it", {
      applicable: false,
    });
  }
  const problem = identifierProblem(ctx.recipient);
  if (problem !== null) return check("recipient", label, false, problem);
  const forms = identifierForms(ctx.recipient);
  const email = forms[0];
  const key =
    ctx.recipientKey === null || ctx.recipientKey === undefined ? "" : normalizeRecipientKey(ctx.recipientKey);
  if (key === null) return check("recipient", label, false, NOT_UTF8_KEY);
  const subject = get(ctx.document, "credentialSubject");
  const identifiers = isObject(subject) && Object.hasOwn(subject, "identifier") ? subject.identifier : [];
  let needsKey = false;
  let otherAlgorithm = false;
  for (const ident of Array.isArray(identifiers) ? identifiers : []) {
    if (!comparableIdentifier(ident)) continue;
    const value = ident.identityHash.toLowerCase();
    if (ident.hashed && !value.startsWith("sha256$")) {
      otherAlgorithm = true;
    } else if (ident.hashed) {
      // A published salt (credentials from elsewhere) is used as is; this registry's awards carry none, and
      // their salt is the earner's secret recipient key.
      let salt;
      if (Object.hasOwn(ident, "salt")) salt = ident.salt;
      else if (key) salt = key;
      else {
        salt = "";
        needsKey = true;
      }
      for (const form of forms) {
        if (value === `sha256$${await sha256Hex(form + salt)}`) {
          return check("recipient", label, true, `awarded to ${email} (the hashed recipient matches)`);
        }
      }
    } else if (forms.includes(pyStrip(value).normalize("NFC"))) {
      return check("recipient", label, true, `awarded to ${email} (the recipient matches)`);
    }
  }
  if (needsKey) return notChecked("recipient", label, NO_RECIPIENT_KEY, { applicable: true });
  if (otherAlgorithm) return notChecked("recipient", label, NOT_SHA256, { applicable: true });
  if (key) return check("recipient", label, false, "the email address and recipient key do not match the recipient");
  return check("recipient", label, false, "the email address does not match the recipient");
}

/** Everything a verdict needs, in the order results are shown (generator.verify.policies.default_policies). */
export const DEFAULT_POLICIES = [
  structurePolicy,
  rdfcProofPolicy,
  jcsProofPolicy,
  unsupportedProofPolicy,
  keyPolicy,
  issuerPolicy,
  credentialPolicy,
  statusPolicy,
  validityPolicy,
];

// --- a status list on its own ---------------------------------------------------------------------------------

const STATUS_LIST_TYPES = ["VerifiableCredential", "BitstringStatusListCredential"];

/**
 * A list read by its terms' names must spell each one so: an RDFC proof signs the RDF, where "validUntil" and its
 * IRI as a key are one statement (status.py _NOT_A_TERM, _not_a_term).
 */
const NOT_A_TERM = "one of its keys is an IRI or a JSON-LD keyword, not a term's name";
const notATerm = (key) => key.includes(":") || (key.startsWith("@") && key !== "@context");
// status.py LIST_FIELDS, LIST_SUBJECT_FIELDS and _NOT_A_LIST_FIELD: a list holds these and nothing else.
const LIST_FIELDS = ["@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject", "proof"];
const LIST_SUBJECT_FIELDS = ["id", "type", "statusPurpose", "encodedList"];
const NOT_A_LIST_FIELD =
  `it holds a field the registry never writes in one (a list holds ${LIST_FIELDS.join(", ")}, and its ` +
  `credentialSubject ${LIST_SUBJECT_FIELDS.join(", ")}): it is published, and says nothing but its bits`;

// status.py LIST_PROOF_FIELDS and _NOT_AS_WRITTEN: the values a list holds are the registry's (_as_written).
const LIST_PROOF_FIELDS = ["type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "@context"];
const NOT_AS_WRITTEN =
  "it holds a value the registry never writes in one (its @context, type and credentialSubject id are the " +
  `registry's, and its proofs hold only ${LIST_PROOF_FIELDS.join(", ")}): it is published, and says nothing but ` +
  "its bits";
const isOnlyContext = (value) => Array.isArray(value) && value.length === 1 && value[0] === VC2_CONTEXT_URL;

/** status.py _as_written: a further type or context entry, a subject id or a proof option is a free string. */
function listAsWritten(doc, subject) {
  const types = get(doc, "type");
  if (!isOnlyContext(get(doc, "@context")) || !Array.isArray(types) || !sameList(types, STATUS_LIST_TYPES)) return false;
  const url = get(doc, "id");
  if (typeof url !== "string" || get(subject, "id") !== `${url}#list`) return false;
  return proofsOf(doc).every(
    (proof) =>
      !isObject(proof) ||
      (Object.keys(proof).every((key) => LIST_PROOF_FIELDS.includes(key)) &&
        (!Object.hasOwn(proof, "@context") || isOnlyContext(proof["@context"]))),
  );
}

/** status.py _times_problem: a list's times in the one published form, each proof created at its validFrom. */
function listTimesProblem(doc) {
  const validFrom = get(doc, "validFrom");
  for (const name of ["validFrom", "validUntil"]) {
    const value = get(doc, name);
    const problem = parseTime(value) !== null ? publishedTimeProblem(value, "status list") : null;
    if (problem !== null) return `${name}: ${problem}`;
  }
  for (const [index, proof] of proofsOf(doc).entries()) {
    const created = isObject(proof) ? get(proof, "created") : undefined;
    if (typeof created !== "string" || parseTime(created) === null) continue;
    let problem = publishedTimeProblem(created, "status list");
    if (problem === null && typeof validFrom === "string" && created !== validFrom) {
      problem =
        `must be the status list's validFrom (${validFrom}): the registry signs a list when it writes it, ` +
        "and a signing time of its own is free digits beside it";
    }
    if (problem !== null) return `proof.${index}.created: ${problem}`;
  }
  return null;
}

/**
 * The bits of a well-formed revocation list, or null and why a document is not one: {bits, problem}
 * (status.py _structure).
 */
async function statusListStructure(doc) {
  const not = (problem) => ({ bits: null, problem });
  const types = get(doc, "type");
  if (!Array.isArray(types) || !STATUS_LIST_TYPES.every((t) => types.includes(t)))
    return not(`its type must include ${STATUS_LIST_TYPES.join(" and ")}`);
  const subject = get(doc, "credentialSubject");
  if (!isObject(subject)) return not("its credentialSubject must be one object");
  if ([...Object.keys(doc), ...Object.keys(subject)].some(notATerm)) return not(NOT_A_TERM);
  if (
    Object.keys(doc).some((key) => !LIST_FIELDS.includes(key)) ||
    Object.keys(subject).some((key) => !LIST_SUBJECT_FIELDS.includes(key))
  ) {
    return not(NOT_A_LIST_FIELD);
  }
  if (!listAsWritten(doc, subject)) return not(NOT_AS_WRITTEN);
  const times = listTimesProblem(doc);
  if (times !== null) return not(times);
  if (get(subject, "type") !== "BitstringStatusList") return not("its credentialSubject's type must be BitstringStatusList");
  if (get(subject, "statusPurpose") !== "revocation")
    return not("its statusPurpose must be revocation (the only purpose this registry's lists have)");
  try {
    return { bits: await decodeList(get(subject, "encodedList")), problem: null };
  } catch (error) {
    if (error instanceof StatusListError) return not(error.message);
    throw error;
  }
}

// How far a list's signer's clock may run ahead of the reader's (times.py CLOCK_SKEW): a list starts in force when
// it is signed, and a visitor whose clock is a little behind reads a list just published, as the check did.
export const LIST_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Why a status list is not in force at `now` (null: it is): status.py _Window.problem. */
function statusListWindowProblem(doc, now) {
  const rawStart = get(doc, "validFrom") ?? null;
  const rawEnd = get(doc, "validUntil") ?? null;
  const start = parseTime(rawStart);
  const end = parseTime(rawEnd);
  if ((rawStart !== null && start === null) || (rawEnd !== null && end === null))
    return "its dates (validFrom, validUntil) cannot be read";
  if (start !== null && clockOrder(Number(now) + LIST_CLOCK_SKEW_MS, rawStart) < 0)
    return `not valid before ${rawStart}`;
  if (end !== null && clockOrder(now, rawEnd) > 0) return `expired on ${rawEnd}`;
  return null;
}

/**
 * The keys an endorser (a registered endorser, or an issuer that endorses) registered, named as its DID document
 * names them (namedKey; status.py EndorserKeys), from its keys.json: resolves a verification method to a key as
 * resolveKey does, or null. How signedBy reads an endorser's list, given on its own or read for an endorsement's
 * status.
 */
export function endorserKeys(did, keys) {
  const records = isObject(keys) && Array.isArray(keys.keys) ? keys.keys.filter(isObject) : [];
  return async (method) => {
    const record = namedKey(records, did, method);
    if (record === null) return null;
    try {
      return { public: decodeEd25519Public(record.publicKeyMultibase), controller: did, record };
    } catch (error) {
      if (error instanceof EncodingError) return null;
      throw error;
    }
  };
}

/**
 * Every check of a status list given on its own, an issuer's or a registered endorser's
 * (generator/verify/status.py verify_status_list): well formed, one of this registry's lists of a registered
 * owner, signed by that owner's key registered and in force when it signed (listOwnerProblem and signedBy, the
 * rule every award's status is read by), and in force. Returns { checks, facts, signer } (signer: "issuer" or
 * "endorser", for its headline's words). `ctx`: a Context of the list.
 */
export async function statusListChecks(ctx) {
  const doc = isObject(ctx.document) ? ctx.document : {};
  const checks = [];
  const add = (id, label, problem, passed) => checks.push(check(id, label, problem === null, problem ?? passed));
  add("structure", "Well-formed status list", (await statusListStructure(doc)).problem, "a revocation list that decodes");
  const url = get(doc, "id");
  let signerDid = get(doc, "issuer");
  const facts = { issuerDid: typeof signerDid === "string" ? signerDid : null, issuer: null, endorser: null, list: null };
  let signer = "issuer";
  let resolve;
  const site = await ctx.site.index();
  const label = "A list of this registry";
  // An issuer's list (issuers/<id>/status/<n>.json), or a registered endorser's (endorsers/<id>/status/<n>.json).
  let found = null;
  for (const folder of ["issuers", "endorsers"]) {
    const located = parseListUrl(site.site_url, url, folder);
    if (located === null) continue;
    // Registered, and the owner of the DID it declares (Registry.owns_its_did): the first of verify/endorsements.json's
    // endorsers with that DID, as index.json's issuers name only each DID's first issuer. A second body declaring a
    // DID (id.duplicate-did, pushed past the check) has no list here, in Python and on this page alike.
    const endorsers = folder === "endorsers" ? (await ctx.site.endorsements()).endorsers : [];
    const named = endorsers.find((e) => e.folder === folder && e.id === located[0]) ?? null;
    const endorser = named !== null && endorsers.find((e) => e.did === named.did) === named ? named : null;
    const registered = folder === "issuers" ? Object.values(site.issuers).includes(located[0]) : endorser !== null;
    found = { folder, owner: located[0], number: located[1], registered, endorser };
    break;
  }
  if (found === null) add("list", label, "its id is not the address of a status list of this registry", "");
  else if (!found.registered) {
    const what = found.folder === "issuers" ? "an issuer" : "an endorser";
    add("list", label, `${found.owner} is not ${what} registered here`, "");
  } else {
    const { folder, owner, number } = found;
    if (folder === "issuers") {
      signerDid = await ctx.site.didOf(owner);
      Object.assign(facts, { issuer: owner, list: number });
    } else {
      signerDid = found.endorser.did;
      signer = "endorser";
      resolve = endorserKeys(signerDid, await ctx.site.json(`endorsers/${owner}/keys.json`));
      Object.assign(facts, { endorser: owner, list: number });
    }
    add("list", label, listOwnerProblem(doc, url, signerDid, `${owner}, whose list its id names`), `list ${number} of ${owner}`);
  }
  const did = typeof signerDid === "string" ? signerDid : "";
  const signature = await signedBy(ctx, doc, did, "status list", { rdfc: true, ...(resolve ? { resolve } : {}) });
  add("proof", `Signed by its ${signer}'s registered key`, signature, "signature verified");
  add("validity", "In force", statusListWindowProblem(doc, ctx.now), "in force");
  facts.validFrom = typeof doc.validFrom === "string" ? doc.validFrom : null;
  facts.validUntil = typeof doc.validUntil === "string" ? doc.validUntil : null;
  return { checks, facts, signer };
}
