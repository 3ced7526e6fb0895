// Verifying one award, by its hash or from its JSON: the checks and the verdict, without any DOM.
//
// By hash, only verify/index.json and the one shard the hash names are read, then the award's achievement,
// its issuer's keys and its status list. The reassembled award must hash to the requested hash (and the
// achievement to the hash that stands in for it), so a tampered shard cannot pass for the signed award.

import { isObject } from "./dataintegrity.js";
import { isEndorsement, verifyEndorsement } from "./endorsements.js";
import { sha256Hex, unquote } from "./encoding.js";
import { canonicalize, JcsError, jsonCopy, parseJSON, wellFormed } from "./jcs.js";
import {
  Context,
  credentialRefOf,
  DEFAULT_POLICIES,
  issuerIdOf,
  nameWords,
  normalizeRecipientKey,
  beforeKey,
  pyStrip,
  recipientPolicy,
  SPACE,
  statusListChecks,
} from "./policies.js";

export { nameWords }; // the page's one reading of a name (policies.js), for its picker and pictures too
import {
  AWARD,
  check,
  ENDORSER_STATUS_LIST,
  headlineOf,
  isAuthentic,
  isValid,
  notChecked,
  STATUS_LIST,
  verdictOf,
} from "./results.js";
import { DataError, isHash, isId } from "./sitedata.js";
import { isStatusList } from "./statuslist.js";

export { DataError };

/** Input the page cannot work with (not a hash, not JSON): the message says what was expected. */
export class InputError extends Error {}

/**
 * A hash typed or pasted in any usual form: bare, "sha256:…", or a whole verification URL, whose fragment may
 * carry the earner's recipient key after "~" (generator.openbadges.parse_verification_link).
 * Returns { hash, key } (key null when there is none).
 */
// generator/openbadges.py _LINK, with Python's whitespace (policies.js SPACE) for its \s.
const LINK = new RegExp(`(?:^|[#/:=${SPACE}])([0-9a-fA-F]{64})(?:~([^${SPACE}~#/?&]*))?[${SPACE}]*$`);

// What a typed hash names: an award's or an endorsement's (byHash looks up both).
const NOT_A_HASH = "That is not an award or endorsement hash: it is 64 characters, 0-9 and a-f.";

export function parseLinkInput(text) {
  // Percent-escapes decoded once, as Python's unquote decodes them (encoding.js unquote): never twice.
  const found = LINK.exec(pyStrip(unquote(String(text ?? ""))));
  if (!found) throw new InputError(NOT_A_HASH);
  // A key that is not Unicode text (a lone surrogate) is no key this registry makes: Python refuses the link.
  if (found[2] && !wellFormed(found[2])) throw new InputError(NOT_A_HASH);
  return { hash: found[1].toLowerCase(), key: found[2] ? normalizeRecipientKey(found[2]) : null };
}

export { beforeKey };

/** The award hash of anything parseLinkInput accepts. */
export function parseHashInput(text) {
  return parseLinkInput(text).hash;
}

/** Parse an award's JSON as the registry would (RFC 8785 limits included). */
// generator/_internal/source.py MAX_JSON_NESTING: deeper input is refused before anything recurses into it.
export const MAX_JSON_NESTING = 64;
// A string never closed runs to the end of the text (source.py _STRUCTURE says why: linear, where a pattern that
// needed the closing quote was retried from every later quote).
const STRUCTURE = /"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?$)|[[\]{}]/gs;

/** Whether JSON text nests deeper than MAX_JSON_NESTING (strings skipped whole, as in source.py _too_deep). */
export function tooDeep(text) {
  let depth = 0;
  for (const [token] of text.matchAll(STRUCTURE)) {
    if (token === "{" || token === "[") {
      depth += 1;
      if (depth > MAX_JSON_NESTING) return true;
    } else if (token === "}" || token === "]") {
      depth -= 1;
    }
  }
  return false;
}

// generator/_internal/source.py read_json_file: strict UTF-8, and a byte-order mark kept, so that the JSON reader
// refuses it (JSON has none). Blob.text() replaces bytes that are not UTF-8 and drops the mark: the page verified
// files that `credreg verify` refuses.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text of a file's bytes, as `credreg verify` reads a JSON file; InputError when they are not UTF-8. */
export function fileText(bytes) {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new InputError("This file is not UTF-8 text, so it is not a credential's JSON.");
  }
}

// What Python's bytes.strip() takes off a line (generator/awards.py iter_lines: a line of only these is blank).
const ASCII_SPACE = /^[ \t\n\r\v\f]*$/;

/**
 * The lines of a cohort file (JSON Lines) as credreg reads a batch's (generator/awards.py iter_lines): split at
 * "\n" only, blank when nothing but ASCII white space, each given as it is, numbered from 1. JavaScript's trim()
 * took more off (a no-break space, a byte-order mark, U+2028): the page checked lines credreg refuses as JSON.
 */
export function cohortLines(text) {
  return String(text)
    .split("\n")
    .map((line, index) => ({ line: index + 1, text: line }))
    .filter((l) => !ASCII_SPACE.test(l.text));
}

export function parseAwardJSON(text) {
  if (tooDeep(text)) throw new InputError(`This is not a credential: it nests deeper than ${MAX_JSON_NESTING} levels.`);
  let doc;
  try {
    doc = parseJSON(text);
  } catch (error) {
    throw new InputError(`This is not valid JSON: ${error.message}`);
  }
  if (!isObject(doc)) throw new InputError("This JSON is not a credential: a credential is a JSON object.");
  return doc;
}

async function hashOf(value) {
  return sha256Hex(canonicalize(value));
}

export class Verifier {
  /** @param {import("./sitedata.js").SiteData} site  @param {() => Date} [clock] */
  constructor(site, clock = () => new Date()) {
    this.site = site;
    this.clock = clock;
  }

  /** Look an award up by hash and verify it. Resolves to an outcome (see `outcome`). */
  async byHash(hash) {
    if (!isHash(hash)) throw new InputError(NOT_A_HASH);
    const entry = await this.site.entry(hash);
    if (entry === null) {
      // As `credreg verify HASH`: awards first, then endorsements.
      const endorsement = await this.site.endorsement(hash);
      return endorsement === null ? { kind: "unknown", hash } : this.endorsement(endorsement, "hash", hash);
    }
    const { award, problem } = await this.published(entry, hash);
    const hashCheck =
      problem === null
        ? check("hash", "Award hash", true, "the published award is exactly the one with this hash")
        : check("hash", "Award hash", false, `the published award is not the one with this hash: ${problem}`);
    if (!(await this.filedByItsIssuer(entry, award))) {
      const owner = await this.site.issuerOf(issuerIdOf(award));
      const registered =
        owner === null
          ? notChecked("registered", "Registered here", "the issuer is not registered here", { applicable: false })
          : check("registered", "Registered here", false, filedUnder(owner, entry.issuer));
      return this.outcome(award, hash, null, [registered, hashCheck], "hash");
    }
    const registered = check("registered", "Registered here", true, await this.registeredReason(award));
    return this.outcome(award, hash, entry, [registered, hashCheck], "hash");
  }

  /**
   * Whether a shard entry is filed under the issuer that owns the award's issuer DID (index.json's issuers,
   * Registry.issuers_by_did): RegisteredPolicy (generator/verify/policies.py) looks for an award among that issuer's
   * awards only. An award filed under a second issuer declaring the DID (id.duplicate-did, pushed past the check) is
   * not registered by it, and its eddsa-rdfc-2022 proof is not one the build checked under the owner's keys.
   */
  async filedByItsIssuer(entry, award) {
    return entry.issuer === (await this.site.issuerOf(issuerIdOf(award)));
  }

  /**
   * The award a shard entry publishes, reassembled (its achievement put back), and why it is not the award with
   * `hash` (null when it is). The data host's entry is only a claim until it hashes to the hash it was found by:
   * the rule of a lookup by hash and of a file given, whose hash found it.
   */
  async published(entry, hash) {
    const award = jsonCopy(entry.award); // an independent copy to reassemble (not a new reading: jcs.js jsonCopy)
    const subject = award.credentialSubject;
    if (isObject(subject) && isObject(subject.achievement) && Object.hasOwn(subject.achievement, "$achievement")) {
      const sha = subject.achievement.$achievement;
      const achievement = await this.site.achievement(sha);
      if (achievement === null) return { award, problem: `its achievement (${sha}) is not published` };
      if ((await hashOf(achievement)) !== sha)
        return { award, problem: "its published achievement does not match the achievement's hash" };
      subject.achievement = achievement;
    }
    let own;
    try {
      own = await hashOf(award);
    } catch (error) {
      if (!(error instanceof JcsError)) throw error;
      return { award, problem: `it cannot be canonicalized: ${error.message}` };
    }
    return { award, problem: own === hash ? null : `it hashes to ${own}` };
  }

  /**
   * The "Registered here" check's words for an award the site publishes: the credential it counts towards, as the
   * award's own achievement names it, never as its shard entry does (not signed: the host could change it). The
   * reassembled award is the one asked for only if the "hash" check passes. generator/verify/policies.py
   * registered_reason.
   */
  async registeredReason(award) {
    return `yes: published in this registry (${credentialRefOf(award, (await this.site.index()).site_url) ?? "?"})`;
  }

  /** Verify an award given as JSON (dropped, picked or pasted), and say whether it is registered here. */
  async byDocument(document) {
    // An endorsement is checked as one, by the rule `credreg verify` dispatches on (endorsements.js isEndorsement).
    if (isEndorsement(document)) return this.endorsement(document, "document");
    // A status list is checked as one (policies.js statusListChecks), as `credreg verify` checks it.
    if (isStatusList(document)) return this.statusList(document, "document");
    let hash = null;
    const first = [];
    try {
      hash = await hashOf(document);
    } catch (error) {
      if (!(error instanceof JcsError)) throw error;
      first.push(
        check(
          "hash",
          "Award hash",
          false,
          `it cannot be canonicalized (RFC 8785), so it has no award hash: ${error.message}`,
        ),
      );
    }
    let entry = hash === null ? null : await this.site.entry(hash);
    // Found by the file's hash, the entry still says only what the data host served: a planted one (another award, or
    // none) registered any file and passed its eddsa-rdfc-2022 proof unchecked (rdfcProofPolicy trusts a published
    // award as the build checked it). It counts only if what it publishes is this file, hash for hash.
    const planted = entry === null ? null : (await this.published(entry, hash)).problem;
    // Filed under a second issuer of its DID: not registered, as Python finds it (filedByItsIssuer), and said so.
    let elsewhere = null;
    if (entry !== null && planted === null && !(await this.filedByItsIssuer(entry, document))) {
      const owner = await this.site.issuerOf(issuerIdOf(document));
      if (owner !== null) elsewhere = filedUnder(owner, entry.issuer);
      entry = null;
    }
    if (elsewhere !== null) first.unshift(check("registered", "Registered here", false, elsewhere));
    else if (planted !== null) {
      entry = null;
      first.unshift(
        check("registered", "Registered here", false, `no: the registry's published entry for this hash is not this award: ${planted}`),
      );
    } else if (entry !== null) first.unshift(check("registered", "Registered here", true, await this.registeredReason(document)));
    else if ((await this.site.issuerOf(issuerIdOf(document))) === null) {
      first.unshift(notChecked("registered", "Registered here", "the issuer is not registered here", { applicable: false }));
    } else {
      // As RegisteredPolicy in generator/verify/policies.py: an award of a registered issuer counts only as the
      // registry holds it. Here, that is also the only way its eddsa-rdfc-2022 proof is known to hold.
      first.unshift(
        check(
          "registered",
          "Registered here",
          false,
          hash === null
            ? "no: it cannot be canonicalized, so it has no award hash"
            : "no: no award with this hash is published in this registry (a changed award has a different hash), " +
                "so it cannot be fully checked here",
        ),
      );
    }
    return this.outcome(document, hash, entry, first, "document");
  }

  /**
   * An endorsement, with credreg verify's checks (endorsements.js verifyEndorsement). `expected`: the hash it was
   * looked up by; a published file that does not have it fails a first "hash" check (the registry's own files
   * always have it, so credreg verify has no such check).
   */
  async endorsement(document, source, expected = null) {
    const { checks, hash, facts } = await verifyEndorsement(document, this.site, this.clock());
    if (expected !== null) {
      let own = null;
      try {
        own = await hashOf(document);
      } catch (error) {
        if (!(error instanceof JcsError)) throw error;
      }
      if (own !== expected) {
        const why = own === null ? "it cannot be canonicalized" : `it hashes to ${own}`;
        checks.unshift(check("hash", "Endorsement hash", false, `the published endorsement is not the one with this hash: ${why}`));
      }
    }
    const { endorsements } = await this.site.endorsements();
    facts.hash = hash;
    facts.published = hash !== null && Object.hasOwn(endorsements, hash);
    facts.verifyUrl = facts.published ? `${this.site.url("verify/")}#${hash}` : null;
    return { kind: "endorsement", hash, document, entry: null, checks, facts, source };
  }

  /**
   * A status list (an issuer's or an endorser's), with credreg verify's checks (policies.js statusListChecks): no
   * hash, no entry. `subject`: its headline's words (results.js STATUS_LIST or ENDORSER_STATUS_LIST).
   */
  async statusList(document, source) {
    const ctx = new Context({ document, site: this.site, now: this.clock() });
    const { checks, facts, signer } = await statusListChecks(ctx);
    const subject = signer === "endorser" ? ENDORSER_STATUS_LIST : STATUS_LIST;
    const owner = facts.issuer ?? facts.endorser;
    facts.ownerUrl = owner !== null ? this.site.url(`${facts.issuer !== null ? "issuers" : "endorsers"}/${owner}/`) : null;
    return { kind: "status list", hash: null, document, entry: null, checks, facts, subject, source };
  }

  async outcome(document, hash, entry, first, source) {
    const ctx = new Context({ document, site: this.site, now: this.clock(), hash, entry });
    const checks = [...first];
    for (const policy of DEFAULT_POLICIES) checks.push(await policy(ctx));
    const issuer = await ctx.registryIssuer();
    const subject = isObject(document.issuer) ? document.issuer : {};
    // From the award itself, never from its shard entry (not signed: the host could change it).
    const ref = ctx.credentialRef ?? credentialRefOf(document, (await this.site.index()).site_url);
    const [owner, slug] = typeof ref === "string" ? ref.split("/") : [];
    // The registry's name for a registered issuer, which the page shows (never the file's: anyone can write a DID
    // of a registered issuer and another name into a file). Its records are read already (issuerPolicy).
    const records = issuer !== null ? await this.site.records(issuer) : null;
    const profile = isObject(records) ? records.profile : null;
    const facts = {
      hash,
      source,
      registered: entry !== null,
      issuerName: nameWords(subject.name),
      issuerDid: ctx.issuerId,
      issuer,
      issuerUrl: issuer !== null ? this.site.url(`issuers/${issuer}/`) : null,
      registryName: isObject(profile) ? text(profile.name) : null,
      // The achievement's name unless it is empty, then the credential's (generator/verify/__init__.py _facts).
      credentialName: nameWords(ctx.achievement.name) || nameWords(document.name),
      credentialRef: isId(owner) && isId(slug) && owner === issuer ? `${owner}/${slug}` : null,
      validFrom: typeof document.validFrom === "string" ? document.validFrom : null,
      ...awardedFacts(document),
      validUntil: typeof document.validUntil === "string" ? document.validUntil : null,
      verifyUrl: entry !== null && hash !== null ? `${this.site.url("verify/")}#${hash}` : null,
    };
    facts.credentialUrl = facts.credentialRef ? this.site.url(`credentials/${facts.credentialRef}/`) : null;
    // The registry's name for the credential its achievement names, which the page shows (as registryName): an
    // issuer's own key could sign "MSc Data Science (Distinction)" for its credential "SQL Basics", shown as the name
    // of a link to the registry's page of it (generator/verify/__init__.py _facts registry_credential_name).
    const defined = facts.credentialRef && isObject(records) && isObject(records.credentials) ? records.credentials : null;
    const definition = defined && Object.hasOwn(defined, slug) ? defined[slug] : null;
    facts.registryCredentialName = isObject(definition) ? text(definition.name) : null;
    return { kind: "verified", hash, document, entry, checks, facts, ctx };
  }
}

/**
 * The "Registered here" words for an award filed under `other`, a second issuer declaring the DID `owner` owns
 * (generator/verify/policies.py filed_under).
 */
function filedUnder(owner, other) {
  return (
    `no: no award with this hash is in this registry under ${owner}, whose DID is its issuer's (it is ` +
    `filed under ${other}, which declares the same DID)`
  );
}

/** A fact as it is shown: text, or null (a list or a number is no name and no date). */
function text(value) {
  return typeof value === "string" ? value : null;
}

/**
 * When it was awarded (generator/verify/__init__.py awarded_facts): an awardedDate equal to the credential's
 * validFrom (as this registry writes every award, and its profile requires) is its award date, `awarded`; any other
 * is only its issuer's word, `awardedClaim`, which no check reads, so it is never shown as the date.
 */
export function awardedFacts(document) {
  const awarded = text(document.awardedDate);
  const same = awarded !== null && awarded === text(document.validFrom);
  return { awarded: same ? awarded : null, awardedClaim: same ? null : awarded };
}

/**
 * The outcome's checks with the recipient compared (or not), and the verdict they add up to. `recipientKey` is
 * the earner's secret key (from their link), without which this registry's hashed recipients cannot be compared.
 */
export async function conclude(outcome, recipient = null, recipientKey = null) {
  outcome.ctx.recipient = recipient;
  outcome.ctx.recipientKey = recipientKey;
  const checks = [...outcome.checks, await recipientPolicy(outcome.ctx)];
  return {
    checks,
    verdict: verdictOf(checks),
    headline: headlineOf(checks, AWARD),
    valid: isValid(checks),
    authentic: isAuthentic(checks),
  };
}
