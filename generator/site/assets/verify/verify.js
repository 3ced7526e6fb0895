// The verification page (/verify/): wiring between the page fragment (generator/site/templates/verify-page.html)
// and the verifier.
//
// Module scripts only, no inline handlers (the site's CSP is script-src 'self'). Everything that comes from
// credential data is inserted with textContent or as attribute values of elements built here; links point
// only at pages of this site built from registry ids, never at URLs taken from a credential.

import { browserSupport, UnsupportedError } from "./dataintegrity.js";
import { unquote } from "./encoding.js";
import { FRAMED, framed, openOnItsOwn } from "./framing.js";
import { jsonText } from "./jcs.js";
import { day, pyStrip } from "./policies.js";
import { pyRepr, visible } from "./text.js";
import {
  AUTHENTICITY,
  ENDORSEMENT,
  FAILED,
  HeadlineKind,
  headlineOf,
  isAuthentic,
  isValid,
  NOT_CHECKED,
  NOT_DEFINED_HERE,
  PASSED,
  plainDay,
  revokedBecause,
  verdictOf,
} from "./results.js";
import { fetchBounded, SiteData } from "./sitedata.js";
import { isStatusList } from "./statuslist.js";
import { listLogCheck, logCheck } from "./tlog.js";
import {
  beforeKey,
  cohortLines,
  conclude,
  DataError,
  fileText,
  InputError,
  nameWords,
  parseAwardJSON,
  parseLinkInput,
  Verifier,
} from "./verifier.js";

const MAX_INPUT = 1024 * 1024; // UTF-8 bytes of a file or of pasted JSON (cli.py MAX_CREDENTIAL_BYTES): a few KiB is usual
const MAX_IMAGE = 8 * MAX_INPUT; // a baked badge image (the image, and the award inside it), or a cohort's file
// What was given, before it is read: either may be dropped, picked or pasted, and typed hashes name either.
const EITHER = "an award or endorsement";
const HASH = /^[0-9a-fA-F]{64}$/;
const $ = (id) => document.getElementById(id);
const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
const document_text = (text) => document.createTextNode(text);
// A file's own words, set apart from the page's: in a bidi isolate (a right-to-left override or an Arabic name in them
// turned the page's words after them, "(not registered here)"), with what shows as nothing written out (text.js
// visible), so that no character inside can end the isolate early.
const own = (text) => el("bdi", { text: visible(text) });

/** LinkedIn's "add a certification to your profile" link, built here and never fetched. */
function linkedInUrl(facts) {
  const params = new URLSearchParams({ startTask: "CERTIFICATION_NAME" });
  params.set("name", facts.registryCredentialName ?? facts.credentialName ?? facts.credentialRef ?? "");
  params.set("organizationName", facts.registryName ?? facts.issuerName ?? "");
  const issued = facts.awarded ?? facts.validFrom;
  if (issued && /^\d{4}-\d{2}/.test(issued)) {
    params.set("issueYear", issued.slice(0, 4));
    params.set("issueMonth", String(Number(issued.slice(5, 7))));
  }
  if (facts.validUntil && /^\d{4}-\d{2}/.test(facts.validUntil)) {
    params.set("expirationYear", facts.validUntil.slice(0, 4));
    params.set("expirationMonth", String(Number(facts.validUntil.slice(5, 7))));
  }
  params.set("certUrl", facts.verifyUrl);
  if (facts.hash) params.set("certId", facts.hash);
  return `https://www.linkedin.com/profile/add?${params}`;
}

/** What an evidence address must be to be shown at all, as a link (vouched) or as text: https, no spaces. */
const HTTPS_ADDRESS = /^https:\/\/[^\s]+$/i;

/** Where an evidence link goes, as a browser reads it (an international host in its xn-- form), to be shown as its
 * words; null for what is no https address, or carries a user name before its host (which reads as the host). */
function evidenceHref(url) {
  if (!url || !HTTPS_ADDRESS.test(url)) return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === "https:" && !parsed.username && !parsed.password ? parsed.href : null;
}

function el(tag, { className, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * Whether what an award file says beyond the page's checks (its picture, its links) is vouched for here: it is what
 * its issuer signed, with a key registered here for that issuer (the key check passed, for a registered issuer's
 * DID). A revoked or expired award of a registered issuer still is (its issuer is real); an issuer elsewhere's is
 * not, though its signature holds: anyone can make a key and sign a green "Verified by …" picture and links.
 */
function vouched(outcome, result) {
  return Boolean(result && result.authentic && outcome && outcome.facts.issuer);
}

/** Which award an outcome is, for the form's email and key (forgetOthers): its hash, or (a file no hash names) the
 * outcome itself; null for what has no recipient (an endorsement, a status list). */
function awardOf(outcome) {
  return nounOf(outcome) === "award" ? (outcome.hash ?? outcome) : null;
}

/** What the page checked, in its words: the file's title, its download and whether it has a recipient. */
function nounOf(outcome) {
  if (outcome.kind === "endorsement") return "endorsement";
  return outcome.kind === "status list" ? "status list" : "award";
}

function sentence(text) {
  const value = String(text ?? "").trim();
  if (!value) return "";
  return value[0].toUpperCase() + value.slice(1) + (/[.!?]$/.test(value) ? "" : ".");
}

// Forged, expired and revoked look different: an expired or revoked award was genuine ("lapsed").
const TONES = {
  valid: "good",
  "recipient confirmed": "good",
  revoked: "lapsed",
  expired: "lapsed",
  "not yet valid": "lapsed",
  changed: "bad",
  malformed: "bad",
  "unsupported proof": "bad",
  "key not registered": "bad",
  "key revoked": "bad",
  invalid: "bad",
  "recipient refused": "bad",
  "status list": "good",
  "status list not genuine": "bad",
  "status list not in force": "lapsed",
  "status list not latest": "bad",
  "status list not logged": "bad",
};
const ICONS = { good: "✓", bad: "✗", lapsed: "⏱", warn: "!", busy: "…" };
const UNVERIFIED = "unverified";
const STATUS_TEXT = {
  [PASSED]: "passed",
  [FAILED]: "failed",
  [NOT_CHECKED]: "not checked",
  [UNVERIFIED]: "unverified claim",
};
const STATUS_ICON = { [PASSED]: "✓", [FAILED]: "✗", [NOT_CHECKED]: "–", [UNVERIFIED]: "?" };


/** A revoked subject's detail line led by the reason its signer gave, quoted as theirs (results.js revokedBecause):
 * the headline above it is the registry's verdict and never holds the signer's words. */
function withReason(checks, detail) {
  const status = checks.find((c) => c.id === "status");
  const because = status ? revokedBecause(status.reason) : "";
  return because ? `${because}. ${detail}` : detail;
}

/** The printable certificate is ready to print (a valid award's, just drawn) or not: hidden when not, so that nothing
 * shows its empty shell, with or without this page's stylesheet (verify.css hides it on screen in any case). */
function certificateReady(ready) {
  $("cr-certificate").dataset.ready = ready ? "true" : "false";
  $("cr-certificate").hidden = !ready;
}

/** A run's wait ended after a later run began (Page.step): nothing of it is shown. */
class Superseded extends Error {}

class Page {
  constructor(root) {
    this.root = root;
    this.siteRoot = new URL("..", window.location.href);
    this.site = new SiteData(this.siteRoot);
    this.verifier = new Verifier(this.site);
    this.outcome = null;
    this.sourceText = null;
    this.badgeImage = null;
    this.lastResult = null;
    this.run = 0;
    this.again = null; // how to give the verdict on screen again (verify), null when it shows none
    this.drawing = 0;
    this.concluding = 0;
    this.answered = 0; // lookups ended, drawn or dropped (verify): progress only, never read to decide anything
    this.baked = 0; // badge downloads ended, said or dropped (downloadBaked): likewise
    this.copies = 0; // copies of the link ended, said or dropped (copyLink): likewise
    this.emailTimer = 0;
    this.checkedWith = null; // the award the form's email and key were last checked against, with them
  }

  async start() {
    const css = el("link", { attrs: { rel: "stylesheet", href: new URL("./verify.css", import.meta.url).href } });
    document.head.append(css);
    if (framed()) {
      // Another site can frame this page at a genuine award's hash and cover its rows with its own words: a
      // verdict is given only where the address bar names this registry (framing.js, the rule of every page).
      this.showMessage("warn", "Open the verification page on its own", `${FRAMED}: it gives no verdict here.`, "framed");
      $("cr-verdict").querySelector(".cr-verdict-detail").append(" ", openOnItsOwn());
      return;
    }
    const missing = await browserSupport();
    if (missing) {
      this.showMessage(
        "warn",
        "Cannot verify in this browser",
        `${sentence(missing)} Use a current browser over https, or verify with credreg verify HASH.`,
        "unsupported",
      );
      return;
    }
    $("cr-app").hidden = false;
    $("cr-hash-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitHash($("cr-hash").value);
    });
    $("cr-json-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.verifyText($("cr-json").value);
    });
    $("cr-cohort-pick").addEventListener("change", () => {
      const value = $("cr-cohort-pick").value;
      if (value) this.verifyText(value, { fromCohort: true });
    });
    $("cr-file").addEventListener("change", () => {
      const [file] = $("cr-file").files;
      if (file) this.verifyFile(file);
    });
    // A file dropped anywhere on the page is checked (and never opened by the browser instead). Dragged text
    // keeps its usual behaviour: it drops into the field under it.
    const drop = $("cr-drop");
    const carriesFile = (event) => event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files");
    for (const type of ["dragenter", "dragover"]) {
      document.addEventListener(type, (event) => {
        if (!carriesFile(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        drop.classList.add("cr-dragging");
      });
    }
    document.addEventListener("dragleave", (event) => {
      if (event.relatedTarget === null) drop.classList.remove("cr-dragging");
    });
    document.addEventListener("drop", (event) => {
      if (!carriesFile(event)) return;
      event.preventDefault();
      drop.classList.remove("cr-dragging");
      const [file] = event.dataTransfer.files;
      if (file) this.verifyFile(file);
    });
    document.addEventListener("paste", (event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
        if (target.id !== "cr-hash") return;
      }
      const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      if (text.trim().startsWith("{")) {
        event.preventDefault();
        $("cr-json").value = text;
        this.verifyText(text);
      }
    });
    $("cr-email-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.recheckRecipient();
    });
    $("cr-recipient-key").addEventListener("input", () => this.keepKey());
    for (const id of ["cr-email", "cr-recipient-key"]) {
      $(id).addEventListener("input", () => {
        clearTimeout(this.emailTimer);
        this.emailTimer = setTimeout(() => this.recheckRecipient(), 300);
      });
    }
    $("cr-copy").addEventListener("click", () => this.copyLink());
    $("cr-bake").addEventListener("click", () => this.downloadBaked());
    $("cr-print").addEventListener("click", () => window.print());
    window.addEventListener("hashchange", () => this.fromLocation());
    // Back (or forward) to this page, the browser restores it from its back/forward cache as it was: scripts,
    // memory and the verdict on screen, with no load and no fetch. A revocation published since was not seen, and
    // "valid" stayed; the verdict is given again, from what the registry serves now.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && this.again !== null && this.outcome !== null) this.verify(this.again);
    });
    this.queryToFragment();
    this.fromLocation();
  }

  /**
   * A link in the query form (/verify/?award=HASH, or ?HASH, hand-typed or rewritten by a mailer) is read as the
   * fragment form every link the registry gives out has (/verify/#HASH): moved into the fragment, which never
   * leaves the browser, and dropped from the address bar and history, so that the copy a visitor shares or
   * bookmarks no longer sends it to the server. Every link of the query is dropped (an earner's key must not stay
   * there), the last moved (the one credreg verify reads) unless the address has a fragment, which is then what is
   * verified. A query that names no award is left as it is.
   */
  queryToFragment() {
    if (!window.location.search) return;
    // Each name=value as written: parseLinkInput decodes its escapes once, as credreg verify decodes the link's
    // (URLSearchParams decoded them first, and a "+" as a space: a second decoding read another link).
    const rest = [];
    let last = null;
    // A link the page cannot read (a trailing "/" a mailer added, an escaped look-alike "~"), as credreg verify
    // cannot: it stayed in the query, key and all, in every copy of the address. Dropped too, and said (with what
    // precedes its key in the hash box): never verified as another link than the one given.
    let unread = null;
    for (const pair of window.location.search.slice(1).split("&")) {
      const equals = pair.indexOf("=");
      const [name, value] = equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
      let link;
      try {
        link = parseLinkInput(value || name); // ?award=HASH[~KEY], or a bare ?HASH[~KEY]
      } catch (error) {
        if (beforeKey(pair) === null) rest.push(pair);
        else unread = { shown: beforeKey(value || name) ?? "", error };
        continue;
      }
      // The last: credreg verify reads the link that ends the address, and of ?award=A&award=B it reads B (the
      // first was verified here: another award than the tool's, from one link).
      last = link;
    }
    if (last === null && unread === null) return;
    const given = window.location.hash.length > 1 ? window.location.hash.slice(1) : null;
    // The key escaped again: the fragment is read with its escapes decoded (fromLocation), which gives it back.
    const fragment =
      given ?? (last === null ? "" : last.key === null ? last.hash : `${last.hash}~${encodeURIComponent(last.key)}`);
    // From the whole location, not its path: a path that begins with "//" reads as another host's address.
    const address = new URL(window.location.href);
    address.search = rest.join("&");
    address.hash = fragment;
    history.replaceState(null, "", address.href);
    if (given === null && last === null) {
      $("cr-hash").value = pyStrip(unread.shown);
      this.showError(unread.error);
    }
  }

  fromLocation() {
    // The fragment as the address holds it: parseLinkInput decodes its escapes, once (decoded here first, a link
    // escaped twice, "%2523", was read as one escaped once: another award than credreg verify reads).
    const raw = window.location.hash.slice(1);
    const fragment = pyStrip(unquote(raw));
    // Only a hash (with the earner's recipient key after "~") is a verification; other fragments are the
    // page's own anchors.
    if (!fragment || (!HASH.test(fragment) && document.getElementById(fragment))) return;
    let link = null;
    try {
      link = parseLinkInput(raw);
    } catch {
      link = null; // said by verify below, from the fragment as it was read
    }
    const shown = this.hideKey(raw, link);
    $("cr-hash").value = link ? link.hash : pyStrip(unquote(shown));
    this.sourceText = null;
    this.verify(() => {
      const { hash } = parseLinkInput(raw);
      return this.verifier.byHash(hash);
    });
  }

  /**
   * An earner's recipient key, read from the address, is taken out of it at once: left there, it was in what a
   * visitor copies, bookmarks (and a browser syncs), shows when sharing a screen, and in the tab's history, where
   * anyone at the computer later finds it. The address keeps the public link (#<hash>), which is what a reload,
   * a bookmark or a copy of it should open. The key stays with this tab's history entry (history.state: not in
   * any address, nor sent, synced or shown), so that a reload or going back shows the same confirmation; the
   * browser's own record of the address first opened is the browser's (docs/privacy.md). A fragment that is no
   * link the page reads loses what follows its first "~" (or an escape or look-alike of it) too. The fragment
   * left in the address.
   */
  hideKey(raw, link) {
    const state = history.state;
    if (link && link.key === null) {
      // The public link: the key this entry was opened with, or last typed for it, if any; none else. Another
      // award's key left in the field (the tab went on to another award) confirms nothing here, and stayed on
      // screen, beside an award that is not its earner's.
      const kept = state && state.hash === link.hash && typeof state.recipientKey === "string";
      $("cr-recipient-key").value = kept ? state.recipientKey : "";
      return raw;
    }
    let fragment = raw;
    if (link) {
      fragment = link.hash;
      $("cr-recipient-key").value = link.key;
    } else {
      // An address the page cannot read as a link is cut where a key may begin (beforeKey: credreg's rule).
      const public_ = beforeKey(raw);
      if (public_ === null) return raw;
      fragment = public_;
    }
    const address = new URL(window.location.href);
    address.hash = fragment;
    history.replaceState(link ? { hash: link.hash, recipientKey: link.key } : null, "", address.href);
    return fragment;
  }

  /** The key typed for the award the address names is kept with its history entry too (hideKey), for a reload. */
  keepKey() {
    let link = null;
    try {
      link = parseLinkInput(window.location.hash.slice(1));
    } catch {
      return;
    }
    if (link.key !== null) return;
    const key = $("cr-recipient-key").value;
    history.replaceState(pyStrip(key) ? { hash: link.hash, recipientKey: key } : null, "", window.location.href);
  }

  submitHash(text) {
    if (text.trim().startsWith("{")) {
      this.verifyText(text);
      return;
    }
    let hash;
    try {
      const parsed = parseLinkInput(text);
      hash = parsed.hash;
      if (parsed.key !== null) $("cr-recipient-key").value = parsed.key;
    } catch (error) {
      this.showError(error);
      return;
    }
    $("cr-hash").value = hash;
    this.forgetOthers(hash); // before the key is carried on to the new entry
    const key = $("cr-recipient-key").value;
    if (window.location.hash === `#${hash}`) {
      this.keepKey();
      this.verify(() => this.verifier.byHash(hash));
    } else if (pyStrip(key)) {
      // The key (from the link typed, or typed beside it) kept with the new entry, as a link's is (hideKey): the
      // address holds the public link, and a reload or going back to it shows the same confirmation.
      history.pushState({ hash, recipientKey: key }, "", `${window.location.pathname}${window.location.search}#${hash}`);
      this.fromLocation(); // pushState is no hashchange
    } else window.location.hash = hash; // hashchange verifies, and the address bar holds the link
  }

  async verifyFile(file) {
    // Reading it (and loading baking.js) takes a moment: the verdict on screen is no longer the page's answer
    // from now, and neither a check still running nor a file given before may land over this one's.
    const run = this.busy("Reading the file.");
    try {
      await this.readFile(file, run);
    } catch (error) {
      // Every step's failure is this run's answer only while it is the page's latest (this.current): a read the
      // browser failed (a file changed or removed since it was chosen) after a hash was given showed its error
      // over that verdict and retired it. A failed read was not caught at all, and "Checking…" stayed.
      if (!this.current(run)) return;
      if (error instanceof DOMException) {
        this.showError(new InputError(`This file could not be read (${error.name}): choose it again.`));
      } else this.showError(error);
    }
  }

  /** The file's verdict (verifyFile), each step after a wait (this.step) taken only while the run is current. */
  async readFile(file, run) {
    const bytes = new Uint8Array(await this.step(run, file.slice(0, 65536).arrayBuffer()));
    const { extractBaked, isPng, isSvg } = await this.step(run, import("./baking.js"));
    if (isPng(bytes) || isSvg(bytes)) {
      if (file.size > MAX_IMAGE) {
        this.showError(new InputError(`This image is ${Math.round(file.size / 1024)} KiB; a badge image is at most 8 MiB.`));
        return;
      }
      const image = new Uint8Array(await this.step(run, file.arrayBuffer()));
      let json;
      try {
        json = extractBaked(image);
      } catch (error) {
        // A picture of the QR code (the printed certificate has one) is a likely thing to drop: say what to do.
        this.showError(
          new InputError(
            `This image carries no award that can be read: ${error.message}. A QR code is not read from an image ` +
              "here: scan it with a phone's camera, which opens its verification link.",
          ),
        );
        return;
      }
      this.verifyText(json, { fromImage: true });
      return;
    }
    const cohort = /\.jsonl$/i.test(file.name);
    if (file.size > (cohort ? MAX_IMAGE : MAX_INPUT)) {
      const kib = Math.round(file.size / 1024);
      this.showError(
        new InputError(
          cohort
            ? `This file is ${kib} KiB; a file of awards, one a line, is read up to 8 MiB.`
            : `This file is ${kib} KiB; ${EITHER} is a few KiB (at most 1 MiB is read).`,
        ),
      );
      return;
    }
    const text = fileText(new Uint8Array(await this.step(run, file.arrayBuffer()))); // an InputError: said
    if (!text.trim()) {
      // Not verifyText's "paste the JSON first": the person gave a file, and it holds nothing.
      this.showError(new InputError(`This file is empty: it holds no ${EITHER}.`));
      return;
    }
    this.verifyText(text, { fromFile: true });
  }

  // A JSON Lines cohort file (one award per line): the person picks the award to check. A text that is one JSON
  // value is one credential, whatever its lines start with (credreg verify reads it so: it was offered as lines none
  // of which is JSON).
  offerCohort(text) {
    try {
      JSON.parse(text);
      return false;
    } catch {
      // not one JSON value: lines, perhaps
    }
    const lines = cohortLines(text); // as credreg reads a batch: each line as it is
    if (lines.length < 2 || !lines.every((l) => /^[ \t\r]*\{/.test(l.text))) return false;
    const pick = $("cr-cohort-pick");
    const options = lines.map((l) => {
      let label = `Line ${l.line}`;
      try {
        const award = JSON.parse(l.text);
        const subject = isObject(award) && isObject(award.credentialSubject) ? award.credentialSubject : {};
        const achievement = isObject(subject.achievement) ? subject.achievement : {};
        const name = nameWords(achievement.name) || nameWords(award.name) || ""; // as the verdict names it
        const when = typeof award.validFrom === "string" ? ` (${plainDay(day(award.validFrom))})` : "";
        // A line with no name may still be an award: say what it is only when the page knows (nounOf's rule). Its
        // name quoted, as the file's words: the picker stays above the verdict with the line picked, and a line
        // named "Valid: a genuine award, in force." read, unquoted, as the page's word over its verdict.
        label += name ? `: named ${pyRepr(name)}${when}` : isStatusList(award) ? ": a status list" : ": no name";
      } catch {
        label += ": not JSON";
      }
      // Written out whole (text.js visible): its validFrom, when no date, is shown as the line gives it.
      return el("option", { text: visible(label), attrs: { value: l.text } });
    });
    pick.replaceChildren(el("option", { text: `Choose one of the ${lines.length} awards`, attrs: { value: "" } }), ...options);
    $("cr-cohort").hidden = false;
    this.retire(); // a choice to make, no verdict
    this.showMessage("warn", "This file holds several awards", `Pick the one to check from the list (${lines.length} awards).`, "cohort");
    $("cr-result").hidden = true;
    pick.focus();
    return true;
  }

  verifyText(text, { fromCohort = false, fromFile = false, fromImage = false } = {}) {
    if (!fromCohort) $("cr-cohort").hidden = true;
    // An image carries one credential (baking.js, as baking.py reads it): lines of several are no JSON there.
    if (!fromCohort && !fromImage && this.offerCohort(text)) return;
    if (!String(text).trim()) {
      this.showError(new InputError(`Paste the JSON of ${EITHER} first.`));
      return;
    }
    // Counted in UTF-8 bytes, as credreg verify counts a credential (cli.py MAX_CREDENTIAL_BYTES, the same 1 MiB): in
    // UTF-16 units, 1.2 MB of accented letters baked into an image was 600,000 and got a verdict credreg refused.
    const size = text.length > MAX_INPUT ? text.length : new TextEncoder().encode(text).length;
    if (size > MAX_INPUT) {
      this.showError(
        new InputError(`This is far too long for ${EITHER}, which is a few KiB of JSON (at most 1 MiB is read).`),
      );
      return;
    }
    if (window.location.hash) history.replaceState(null, "", window.location.pathname + window.location.search);
    $("cr-hash").value = "";
    this.sourceText = text;
    this.verify(async () => {
      const outcome = await this.verifier.byDocument(parseAwardJSON(text));
      outcome.source = "text";
      // A status list's log entry is the hash of its file's bytes: only a dropped file's text is those bytes.
      if (outcome.kind === "status list") [outcome.fileText, outcome.fromImage] = [fromFile ? text : null, fromImage];
      return outcome;
    }).then(() => {
      $("cr-verdict").scrollIntoView({ block: "nearest" });
    });
  }

  // "Checking…", from now until an answer: returns the run an answer must still be the latest of to be shown.
  busy(detail) {
    const run = ++this.run;
    // Each verification reads the registry's data afresh (sitedata.js SiteData): one memo for the page's life
    // answered a second lookup of an award with the status list and shard of the first, from before a revocation.
    this.site = new SiteData(this.siteRoot);
    this.verifier = new Verifier(this.site);
    this.outcome = null;
    this.showMessage("busy", "Checking…", detail);
    $("cr-result").hidden = true;
    return run;
  }

  /** Whether run is still the page's latest: no later answer (a verdict, an error, a choice) was asked for since. */
  current(run) {
    return run === this.run;
  }

  /** What a wait gives, once run is still current (this.current); else Superseded, which its run drops unsaid. */
  async step(run, promise) {
    const value = await promise;
    if (!this.current(run)) throw new Superseded();
    return value;
  }

  async verify(produce) {
    const run = this.busy("Fetching the registry's data and checking the signature.");
    const site = this.site; // this verification's, whatever a later one makes
    this.again = produce;
    try {
      const outcome = await produce();
      // Last, as credreg verify adds it: an award or endorsement slipped onto the site unlogged fails here.
      if (outcome.kind === "verified" && outcome.hash)
        outcome.checks.push(await logCheck(site, outcome.hash, undefined, outcome.document, outcome.entry));
      else if (outcome.kind === "endorsement" && outcome.hash)
        outcome.checks.push(await logCheck(site, outcome.hash, undefined, outcome.document, null, undefined, "endorsement"));
      else if (outcome.kind === "status list" && outcome.fileText !== undefined) {
        const image = { image: outcome.fromImage };
        outcome.checks.push(await listLogCheck(site, outcome.fileText, undefined, outcome.document, undefined, image));
      }
      if (!this.current(run)) return;
      this.outcome = outcome;
      this.forgetOthers(awardOf(outcome));
      await this.render();
    } catch (error) {
      if (!this.current(run)) return;
      this.showError(error);
    } finally {
      // Progress only, for whoever waits on the page (the tests): a lookup has ended, its verdict drawn, or dropped
      // as a later answer was asked for. A count on the verdict box, which no verdict replaces.
      $("cr-verdict").dataset.lookupsAnswered = String(++this.answered);
    }
  }

  /**
   * The email and key in the form are the award's they were last checked against: for another award, a box still
   * holding what was checked against the last one is emptied. Left, a recruiter's next candidate was told "not
   * awarded to this email address" (the last candidate's), and a key went on to an award not its earner's. What was
   * typed since (a key typed beside the next award's hash, a link's own key) stays.
   */
  forgetOthers(award) {
    const last = this.checkedWith;
    if (last === null || last.award === award) return;
    if ($("cr-email").value === last.email) $("cr-email").value = "";
    if ($("cr-recipient-key").value === last.key) $("cr-recipient-key").value = "";
    this.checkedWith = null;
  }

  async recheckRecipient() {
    if (this.outcome && this.outcome.kind === "verified") await this.render();
  }

  /** What the visitor gave last is answered without a verification (an error, a choice to make): one still running
   * (a lookup waiting on a slow host) is retired, or its verdict was drawn over this answer, under a hash box or a
   * picker that names something else. */
  retire() {
    this.run += 1;
    this.outcome = null; // no verdict on screen now: none to give again (pageshow)
  }

  showError(error) {
    this.retire();
    if (error instanceof InputError) {
      this.showMessage("warn", "Cannot verify this", error.message);
    } else if (error instanceof UnsupportedError) {
      this.showMessage(
        "warn",
        "Cannot verify in this browser",
        `${sentence(error.message)} Use a current browser, or credreg verify.`,
        "unsupported",
      );
    } else if (error instanceof DataError) {
      this.showMessage(
        "warn",
        "Could not verify",
        `The registry's data could not be read: ${error.message}. Try again later, or use credreg verify.`,
      );
    } else {
      console.error(error);
      this.showMessage(
        "warn",
        "Could not verify",
        `Something went wrong while checking: ${error && error.message ? error.message : error}`,
      );
    }
    $("cr-result").hidden = true;
  }

  showMessage(tone, title, detail, verdict = tone === "busy" ? "checking" : "error") {
    const box = $("cr-verdict");
    box.dataset.verdict = verdict;
    box.className = `cr-verdict cr-${tone}`;
    if (tone === "busy") box.setAttribute("aria-busy", "true");
    else box.removeAttribute("aria-busy");
    // A new verdict: the certificate of whatever was checked before is not this one's (a valid award's is made
    // ready again after this, by renderCertificate), nor the line of a badge image downloaded of it.
    certificateReady(false);
    $("cr-bake-status").textContent = "";
    box.replaceChildren(
      el("span", { className: "cr-verdict-icon", text: ICONS[tone], attrs: { "aria-hidden": "true" } }),
      el(
        "div",
        { className: "cr-verdict-text" },
        // A heading: moving by headings from the page's title, a screen reader reaches the verdict first.
        // Written out (text.js visible): a headline or a message may quote a file's words, as any error may.
        el("h2", { className: "cr-verdict-title", text: visible(title) }),
        el("p", { className: "cr-verdict-detail", text: visible(detail) }),
      ),
    );
  }

  async render() {
    const outcome = this.outcome;
    if (outcome.kind === "unknown") {
      this.showMessage(
        "warn",
        "Unknown hash",
        `No award or endorsement with the hash ${outcome.hash} is registered here. Check that the whole link or hash was copied, or check the file instead.`,
        "unknown",
      );
      $("cr-result").hidden = true;
      return;
    }
    if (outcome.kind === "endorsement") {
      this.renderEndorsement(outcome);
      return;
    }
    if (outcome.kind === "status list") {
      this.renderStatusList(outcome);
      return;
    }
    const run = this.run;
    // Rechecks of the recipient may overlap (the typing's own and the button's): the one of the email and key
    // read last is shown, though a hashed email answers after a mistyped one.
    const drawing = ++this.drawing;
    const email = $("cr-email").value;
    const key = $("cr-recipient-key").value;
    // Progress only, for whoever waits on the page (the tests): a check of the recipient is still answering,
    // drawn or not (a later one's is drawn instead). Nothing is decided by it.
    this.concluding += 1;
    $("cr-email-form").dataset.concluding = "";
    let result;
    try {
      result = await conclude(outcome, pyStrip(email) ? email : null, pyStrip(key) ? key : null);
    } finally {
      if (--this.concluding === 0) delete $("cr-email-form").dataset.concluding;
    }
    if (!this.current(run) || this.outcome !== outcome || drawing !== this.drawing) return;
    this.checkedWith = { award: awardOf(outcome), email, key };
    this.lastResult = result;
    // A file that is exactly a published award gets its link in the address bar: the hash only, never the
    // recipient key (which only the earner's own link carries). The entry's state is kept: a key typed for the
    // award stays with it (keepKey), as a rerender after each keystroke would otherwise drop it.
    if (outcome.source === "text" && outcome.facts.registered && result.authentic && outcome.hash) {
      history.replaceState(history.state, "", `${window.location.pathname}${window.location.search}#${outcome.hash}`);
    }
    this.renderVerdict(outcome, result);
    this.renderFacts(outcome.facts, result);
    // "Is it theirs?": only an award has a recipient (a status list dropped here claims none).
    $("cr-email-form").hidden = nounOf(outcome) !== "award";
    this.renderChecks(result.checks, result.authentic);
    this.renderShare(outcome.facts);
    $("cr-result").hidden = false;
  }

  // An endorsement: credreg verify's headline for it (subject ENDORSEMENT) and its checks; nothing to share,
  // bake or print, as those are an earner's award's.
  renderEndorsement(outcome) {
    const { checks, facts } = outcome;
    const headline = headlineOf(checks, ENDORSEMENT);
    const result = { checks, headline, verdict: verdictOf(checks), valid: isValid(checks), authentic: isAuthentic(checks) };
    this.lastResult = result;
    if (outcome.source === "text" && facts.published && result.authentic && outcome.hash) {
      history.replaceState(history.state, "", `${window.location.pathname}${window.location.search}#${outcome.hash}`);
    }
    const endorser = facts.endorserName ? visible(facts.endorserName) : "its endorser";
    const details = {
      [HeadlineKind.VALID]: `Signed by ${endorser} with a key it registered here, in force and not revoked.`,
      [HeadlineKind.REVOKED]: `It was signed by ${endorser}, and the signature is genuine.`,
      [HeadlineKind.EXPIRED]: `It was signed by ${endorser}, and the signature is genuine.`,
      [HeadlineKind.NOT_YET_VALID]: `It was signed by ${endorser}, and the signature is genuine.`,
      [HeadlineKind.NOT_PUBLISHED]: "The signature is genuine, but it does not hold as an endorsement of this registry: see Technical details.",
      [HeadlineKind.CANNOT_CHECK]: "Part of it could not be checked here. Nothing found is wrong, but it is not confirmed either: see Technical details, or use credreg verify.",
    };
    let detail = details[headline.kind] ?? "What it says about who endorses what cannot be trusted. Technical details are below.";
    if (headline.kind === HeadlineKind.REVOKED) detail = withReason(checks, detail);
    this.showMessage(TONES[headline.kind] ?? "warn", headline.text, detail, result.verdict);
    $("cr-verdict").dataset.headline = headline.kind;
    $("cr-result-title").textContent = result.authentic ? "This endorsement" : "What this endorsement claims (not verified)";
    const rows = [];
    const row = (term, ...value) => rows.push(el("div", {}, el("dt", { text: term }), el("dd", {}, ...value)));
    const note = facts.endorser ? ` (registered here as ${facts.endorser})` : " (not registered here)";
    row("Endorser", facts.endorserName ? own(facts.endorserName) : "its endorser", note);
    if (facts.subject) row("Endorses", own(facts.subject));
    if (facts.kind) row("Kind", own(facts.kind));
    if (facts.comment) row("Comment", own(facts.comment));
    if (facts.scope) row("Scope", own(facts.scope));
    if (facts.validFrom) row("Valid from", own(day(facts.validFrom)));
    if (facts.validFrom) row("Valid until", facts.validUntil ? own(day(facts.validUntil)) : "does not expire");
    if (facts.hash) rows.push(el("div", {}, el("dt", { text: "Endorsement hash" }), el("dd", {}, el("code", { className: "cr-hash", text: facts.hash }))));
    this.showPersonless(outcome, rows, result);
  }

  // An endorsement or a status list is about a credential or an issuer, not a person: its facts and checks, and
  // nothing to share, bake or print, no image and no recipient form.
  showPersonless(outcome, rows, result) {
    $("cr-facts").replaceChildren(...rows);
    $("cr-image").replaceChildren();
    $("cr-image").hidden = true;
    this.badgeImage = null;
    for (const id of ["cr-bake", "cr-share", "cr-linkedin", "cr-print", "cr-email-form"]) $(id).hidden = true;
    certificateReady(false);
    this.renderDownload(outcome);
    this.renderChecks(outcome.checks, result.authentic);
    $("cr-result").hidden = false;
  }

  // A status list: credreg verify's headline for it (its subject: an issuer's or an endorser's) and its own checks;
  // no recipient, nothing to share, bake or print, and no hash (nothing names a list by one).
  renderStatusList(outcome) {
    const { checks, facts } = outcome;
    const headline = headlineOf(checks, outcome.subject);
    const result = { checks, headline, verdict: verdictOf(checks), valid: isValid(checks), authentic: isAuthentic(checks) };
    this.lastResult = result;
    const owner = facts.issuer ?? facts.endorser;
    const detail =
      headline.kind === HeadlineKind.STATUS_LIST
        ? `Signed by ${owner} with a key it registered here, valid when it signed. An award's or endorsement's status is read from the list it names: to check one, give its file, hash or link.`
        : "Technical details are below. To check an award or endorsement, give its file, hash or link.";
    this.showMessage(TONES[headline.kind] ?? "warn", headline.text, detail, result.verdict);
    $("cr-verdict").dataset.headline = headline.kind;
    $("cr-result-title").textContent = result.authentic ? "This status list" : "What this status list claims (not verified)";
    const rows = [];
    const row = (term, ...value) => rows.push(el("div", {}, el("dt", { text: term }), el("dd", {}, ...value)));
    const who = owner !== null ? el("a", { text: owner, attrs: { href: facts.ownerUrl } }) : own(facts.issuerDid ?? "unknown");
    row(facts.endorser !== null ? "Endorser" : "Issuer", who, document_text(owner !== null ? " (registered here)" : " (not registered here)"));
    if (facts.list !== null) row("List", document_text(`number ${facts.list}`));
    if (facts.validFrom) row("Valid from", own(day(facts.validFrom)));
    this.showPersonless(outcome, rows, result);
  }

  renderVerdict(outcome, result) {
    // The headline (results.js headlineOf, the same sentence as credreg verify) leads; one plain line follows.
    const find = (id) => result.checks.find((c) => c.id === id);
    const { facts } = outcome;
    const { kind, text } = result.headline;
    // A registered issuer's name was reviewed here; any other is what the file calls its issuer, quoted as its own
    // words (as the issuer check quotes it): "… but Example University, registered here. Valid is not …" read as
    // the registry's.
    const named = facts.registryName ?? facts.issuerName ?? facts.issuerDid;
    const issuer = !named ? "its issuer" : facts.issuer ? visible(named) : `the issuer that calls itself ${pyRepr(named)}`;
    let detail;
    switch (kind) {
      case HeadlineKind.VALID:
      case HeadlineKind.RECIPIENT_CONFIRMED:
        detail = `Signed by ${issuer} with a registered key that was valid when it signed, and not revoked. ${
          facts.validUntil
            ? `Valid from ${plainDay(day(facts.validFrom))} until ${plainDay(day(facts.validUntil))}.`
            : `Valid since ${plainDay(day(facts.validFrom))}; it does not expire.`
        }`;
        break;
      case HeadlineKind.REVOKED:
      case HeadlineKind.EXPIRED:
      case HeadlineKind.NOT_YET_VALID:
        detail = `It was signed by ${issuer}, and the signature is genuine.`;
        break;
      case HeadlineKind.UNREGISTERED_ISSUER:
        detail = `The signature is genuine, but ${issuer} is not an issuer this registry vouches for: who they are is for you to judge.`;
        break;
      case HeadlineKind.RECIPIENT_UNCONFIRMED:
        detail = "The recipient key is in the earner's verification link (after ~) and comes with their award file.";
        break;
      case HeadlineKind.CANNOT_CHECK:
        detail = "Part of it cannot be checked in this browser. Nothing found is wrong, but it is not confirmed either: see Technical details, or use credreg verify.";
        break;
      case HeadlineKind.NOT_PUBLISHED:
        detail = "Its issuer is registered here, but this exact award is not one the registry published: it may have been changed, or never added.";
        break;
      default:
        detail = "What it says about its recipient, credential and issuer cannot be trusted. Technical details are below.";
    }
    if (!facts.registered && (kind === HeadlineKind.VALID || kind === HeadlineKind.RECIPIENT_CONFIRMED)) {
      detail += " This award is not published in this registry.";
    }
    if (kind === HeadlineKind.REVOKED) detail = withReason(result.checks, detail);
    const recipient = find("recipient");
    if (kind === HeadlineKind.RECIPIENT_REFUSED && recipient) detail = "The award is genuine and in force, but the email address you typed is not the one it was awarded to.";
    this.showMessage(TONES[kind] ?? "warn", text, detail, result.verdict);
    $("cr-verdict").dataset.headline = kind;
  }

  renderFacts(facts, result) {
    const noun = nounOf(this.outcome);
    // Not vouched for: what it says is a file's claim, not an award of this page's heading (an issuer elsewhere's,
    // whose signature holds, too: its picture and links are what anyone can sign).
    const sure = vouched(this.outcome, result);
    $("cr-result-title").textContent = sure ? `This ${noun}` : "What this file claims (not verified)";
    const rows = [];
    const row = (term, ...value) => rows.push(el("div", {}, el("dt", { text: term }), el("dd", {}, ...value)));
    const link = (text, href) => (href ? el("a", { attrs: { href } }, own(text)) : own(text));
    if (facts.issuer && facts.registryCredentialName === null && facts.credentialName) {
      // A registered issuer's key may sign any name, for a credential it never defined here: the file's word, quoted
      // and said so (report.py, the same words), never a link to a page of this registry, nor written as its names.
      row("Credential", own(pyRepr(facts.credentialName)), document_text(` ${NOT_DEFINED_HERE}`));
    } else if (facts.credentialName || facts.credentialRef) {
      // A credential defined here by the registry's name for it, as its issuer (below): the file's other name, as
      // the name of a link to the registry's page of that credential, read as the registry's. Quoted as the file's.
      const named = facts.registryCredentialName ?? facts.credentialName ?? facts.credentialRef;
      const other = facts.registryCredentialName !== null && facts.credentialName && facts.credentialName !== named;
      row(
        "Credential",
        link(named, facts.credentialUrl),
        ...(other ? [document.createTextNode("; the file calls it "), own(pyRepr(facts.credentialName))] : []),
      );
    }
    // A registered issuer by the registry's name for its DID: the file's, beside "registered here", read as the
    // registry's word for whatever name anyone wrote into a file. Another name the file gives is quoted as its own.
    const issuerName = facts.registryName ?? facts.issuerName ?? facts.issuerDid ?? "unknown";
    const calls = facts.registryName !== null && facts.issuerName !== null && facts.issuerName !== facts.registryName;
    row(
      "Issuer",
      link(issuerName, facts.issuerUrl),
      document.createTextNode(facts.issuer ? ` (registered here as ${facts.issuer})` : " (not registered here)"),
      ...(calls ? [document.createTextNode("; the file calls it "), own(pyRepr(facts.issuerName))] : []),
    );
    if (facts.awarded) row("Awarded", own(day(facts.awarded)));
    // Not its validFrom: a date its issuer gives, which nothing here checks (verifier.js awardedFacts).
    else if (facts.awardedClaim) {
      row("Awarded", own(day(facts.awardedClaim)), document_text(" (as its issuer says; not checked)"));
    }
    if (facts.validFrom) row("Valid from", own(day(facts.validFrom)));
    row("Valid until", facts.validUntil ? own(day(facts.validUntil)) : document_text("does not expire"));
    if (facts.hash) row(`${noun[0].toUpperCase()}${noun.slice(1)} hash`, el("code", { className: "cr-hash", text: facts.hash }));
    this.renderAwardSays(row, this.outcome.document, sure);
    $("cr-facts").replaceChildren(...rows);
    this.renderImage(this.outcome.document);
    this.renderDownload(this.outcome);
  }

  // Everything else the award says: the criteria, its evidence and results. Links taken from a credential are
  // links only when it is vouched for (vouched()), only for https, and marked as leaving the site; else the
  // address is shown as text, never a link of this page's.
  renderAwardSays(row, document, sure) {
    const subject = isObject(document.credentialSubject) ? document.credentialSubject : {};
    const achievement = isObject(subject.achievement) ? subject.achievement : {};
    const text = (value) => (typeof value === "string" && value.trim() ? value.trim() : null);
    const criteria = isObject(achievement.criteria) ? text(achievement.criteria.narrative) : null;
    if (criteria) row("Criteria", el("span", { className: "cr-narrative" }, own(criteria)));
    const list = (value) => (Array.isArray(value) ? value : isObject(value) ? [value] : []);
    const evidence = list(document.evidence).filter(isObject);
    if (evidence.length) {
      const items = evidence.map((item) => {
        const name = text(item.name) ?? text(item.description) ?? "Evidence";
        const url = text(item.id);
        // A link only when the award is vouched for, and its words are the address it goes to, never the file's: a
        // name spelling one address over a link to another server read as that address, on this registry's page.
        // Unvouched, the address is the file's word, shown as text.
        const href = sure ? evidenceHref(url) : null;
        const link = href ? [" ", el("a", { text: href, attrs: { href, rel: "noopener noreferrer nofollow ugc", target: "_blank" } })] : [];
        const extra = [
          text(item.description) !== name ? text(item.description) : null,
          text(item.narrative),
          !sure && url && HTTPS_ADDRESS.test(url) ? url : null,
        ];
        return el("li", {}, own(name), ...link, ...extra.filter(Boolean).map((t) => el("span", { className: "cr-evidence-note" }, " — ", own(t))));
      });
      row("Evidence", el("ul", { className: "cr-evidence" }, ...items));
    }
    const results = list(subject.result).filter(isObject);
    const shown = results
      .map((r) => [text(r.value), text(r.status)].filter(Boolean).join(", "))
      .filter(Boolean);
    if (shown.length) row("Results", el("ul", { className: "cr-evidence" }, ...shown.map((t) => el("li", {}, own(t)))));
  }

  // The badge image, when the award carries it (a data: image) or it is this site's: never fetched from a
  // third party, which would tell it who is looking at whose badge. renderFacts calls it after render has set
  // this.lastResult to this award's result.
  renderImage(document) {
    const box = $("cr-image");
    const subject = isObject(document.credentialSubject) ? document.credentialSubject : {};
    const achievement = isObject(subject.achievement) ? subject.achievement : {};
    const image = achievement.image ?? document.image;
    // Only from a file vouched for (as its evidence links, vouched()): a forged award's picture, or one an issuer
    // elsewhere signed, a green "Verified" drawn by anyone, was shown beside the page's verdict.
    const src = vouched(this.outcome, this.lastResult) ? this.imageSource(image) : null;
    const own = src !== null;
    box.replaceChildren();
    box.hidden = !own;
    this.badgeImage = src;
    // Baked into a download only for an award this registry publishes: never an image from elsewhere it never checked
    // (an SVG may run script once opened from the disk), handed out from this registry's page.
    $("cr-bake").hidden = !(own && this.outcome && this.outcome.facts.registered);
    if (own) {
      // Named as the Credential row names it (renderFacts): the registry's name for a credential defined here, never
      // the file's words alone (its issuer's key may sign any name beside the registry's picture of it).
      const { facts } = this.outcome;
      const name = facts.registryCredentialName ?? (facts.credentialName ? pyRepr(facts.credentialName) : "the credential");
      box.append(el("img", { attrs: { src, alt: `Badge image of ${visible(name)}`, width: "120", height: "120" } }));
    }
  }

  // Where to read the badge image: a data: image it carries, or this site's copy of its registered issuer's image.
  // Any other address on this site is not shown: a credential from elsewhere naming a registered issuer's badge
  // picture would be shown with this registry's picture of a badge its issuer does not award.
  imageSource(image) {
    const src = typeof image === "string" ? image : isObject(image) && typeof image.id === "string" ? image.id : null;
    if (src === null) return null;
    if (/^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(src)) return src;
    const issuer = this.outcome && this.outcome.facts.issuer;
    let path;
    try {
      path = new URL(src).pathname;
    } catch {
      return null;
    }
    const m = /\/issuers\/([a-z0-9-]+)\/(images\/[A-Za-z0-9._-]+\.(?:png|svg))$/.exec(path);
    return issuer && m && m[1] === issuer ? this.site.url(`issuers/${m[1]}/${m[2]}`) : null;
  }

  awardText(outcome) {
    return outcome.source === "text" && this.sourceText !== null
      ? this.sourceText
      : `${jsonText(outcome.document)}\n`; // read back by every reader as this award (jcs.js jsonText)
  }

  // "Download badge image": the badge's PNG or SVG with this award baked in (baking.js), built here.
  async downloadBaked() {
    // The award, its text and its picture as they are now: another award checked while baking.js loads has its own.
    const [outcome, image] = [this.outcome, this.badgeImage];
    const status = $("cr-bake-status");
    status.textContent = "";
    // The file is the captured award's, named by its hash; its line is said only under that award's verdict (the
    // rule of every wait of the page, this.current): written after another was given, it read as said of that one.
    const run = this.run;
    const say = (text) => {
      if (this.current(run) && this.outcome === outcome) status.textContent = text;
    };
    try {
      const json = this.awardText(outcome);
      const { bakePng, bakeSvg, isPng } = await import("./baking.js");
      // Within the bound of every file the page reads (sitedata.js fetchBounded).
      const bytes = await fetchBounded(image, "the badge image", Error);
      if (bytes === null) throw new Error("the badge image could not be read (HTTP 404)");
      const png = isPng(bytes);
      const baked = png ? bakePng(bytes, json) : bakeSvg(new TextDecoder().decode(bytes), json);
      const type = png ? "image/png" : "image/svg+xml";
      const link = el("a", {
        attrs: { href: URL.createObjectURL(new Blob([baked], { type })), download: `${outcome.hash ?? "badge"}.${png ? "png" : "svg"}` },
      });
      document.body.append(link);
      link.click();
      link.remove();
      say("Badge image downloaded, with the award inside it.");
    } catch (error) {
      say(`The badge image could not be made: ${error && error.message ? error.message : error}`);
    } finally {
      // Progress only, for whoever waits on the page (the tests): a download has ended, its line said or dropped.
      status.dataset.bakesEnded = String(++this.baked);
    }
  }

  // The award file as it was given (dropped, picked or pasted), or as the registry writes it (by hash).
  renderDownload(outcome) {
    const link = $("cr-download");
    if (link.href && link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    const text = this.awardText(outcome);
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const noun = nounOf(outcome);
    link.download = `${outcome.hash ?? noun.replace(" ", "-")}.json`;
    link.textContent = `Download the ${noun} file`;
  }

  renderChecks(checks, authentic) {
    // From a file that is not what its issuer signed, what the other checks read is a claim, never "passed".
    const claim = (c) =>
      !authentic && c.status !== FAILED && !AUTHENTICITY.includes(c.id) && !c.id.startsWith("proof:");
    $("cr-checks").replaceChildren(
      ...checks.map((c) => {
        const status = claim(c) ? UNVERIFIED : c.status;
        return el(
          "li",
          {
            className: `cr-check cr-check-${status.replace(" ", "-")}`,
            attrs: { "data-check": c.id, "data-status": status },
          },
          el("span", { className: "cr-check-mark", text: STATUS_ICON[status], attrs: { "aria-hidden": "true" } }),
          el("span", { className: "cr-check-status", text: STATUS_TEXT[status] }),
          el("span", { className: "cr-check-label", text: c.label }),
          el("span", { className: "cr-check-reason", text: visible(sentence(c.reason)) }),
        );
      }),
    );
  }

  renderShare(facts) {
    const share = $("cr-share");
    const valid = Boolean(this.lastResult && this.lastResult.valid);
    $("cr-linkedin").hidden = !(valid && facts.verifyUrl);
    if (valid && facts.verifyUrl) $("cr-linkedin").href = linkedInUrl(facts);
    this.renderCertificate(facts, valid);
    if (!facts.verifyUrl) {
      share.hidden = true;
      return;
    }
    $("cr-link").value = facts.verifyUrl;
    $("cr-copied").textContent = "";
    $("cr-qr").replaceChildren();
    share.hidden = false;
    // The encoder is loaded only when there is something to share.
    import("./qr.js")
      .then(({ qrSvg }) => {
        if ($("cr-link").value === facts.verifyUrl) {
          $("cr-qr").replaceChildren(qrSvg(facts.verifyUrl, { label: `QR code: ${facts.verifyUrl}` }));
          $("cr-cert-qr").replaceChildren(qrSvg(facts.verifyUrl, { label: `QR code: ${facts.verifyUrl}` }));
        }
      })
      .catch(() => {
        if ($("cr-link").value === facts.verifyUrl) $("cr-qr").replaceChildren(document.createTextNode("The QR code could not be drawn."));
      });
  }

  // The printable certificate (shown only when printing, print CSS in verify.css): a valid registry award only.
  renderCertificate(facts, valid) {
    const ok = valid && Boolean(facts.verifyUrl);
    $("cr-print").hidden = !ok;
    certificateReady(ok);
    if (!ok) return;
    $("cr-cert-credential").replaceChildren(own(facts.registryCredentialName ?? facts.credentialName ?? facts.credentialRef ?? ""));
    $("cr-cert-issuer").replaceChildren("Issued by ", own(facts.registryName ?? facts.issuerName ?? facts.issuerDid));
    const when = facts.awarded ?? facts.validFrom;
    $("cr-cert-date").textContent = when ? `Awarded ${plainDay(day(when))}` : "";
    $("cr-cert-until").textContent = facts.validUntil ? `Valid until ${plainDay(day(facts.validUntil))}` : "";
    $("cr-cert-link").textContent = facts.verifyUrl;
    $("cr-cert-qr").replaceChildren();
  }

  async copyLink() {
    const input = $("cr-link");
    // The link on screen now: the clipboard may answer late (a permission prompt), after another award was given,
    // and its line is said only under the award whose link it copied (the page's rule, this.current).
    const [run, link] = [this.run, input.value];
    const still = () => this.current(run) && input.value === link;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      if (still()) {
        input.focus();
        input.select();
        try {
          copied = document.execCommand("copy");
        } catch {
          copied = false;
        }
      }
    }
    if (still()) {
      $("cr-copied").textContent = copied
        ? "Link copied."
        : "Copying is blocked here: the link is selected, copy it with your keyboard.";
    }
    // Progress only, for whoever waits on the page (the tests): a copy has ended, its line said or dropped.
    $("cr-copied").dataset.copiesEnded = String(++this.copies);
  }
}

const root = document.getElementById("cr-verify");
if (root) new Page(root).start();
