// The verification page (/verify/): wiring between the page fragment (page.html) and the verifier.
//
// Module scripts only, no inline handlers (the site's CSP is script-src 'self'). Everything that comes from
// credential data is inserted with textContent or as attribute values of elements built here; links point
// only at pages of this site built from registry ids, never at URLs taken from a credential.

import { browserSupport, UnsupportedError } from "./dataintegrity.js";
import { day } from "./policies.js";
import { AUTHENTICITY, FAILED, HeadlineKind, NOT_CHECKED, PASSED, plainDay } from "./results.js";
import { SiteData } from "./sitedata.js";
import { logCheck } from "./tlog.js";
import { conclude, DataError, InputError, parseAwardJSON, parseLinkInput, Verifier } from "./verifier.js";

const MAX_INPUT = 1024 * 1024; // bytes of a file, characters of pasted JSON: an award is a few KiB
const HASH = /^[0-9a-fA-F]{64}$/;
const $ = (id) => document.getElementById(id);

function el(tag, { className, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
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

class Page {
  constructor(root) {
    this.root = root;
    this.site = new SiteData(new URL("..", window.location.href));
    this.verifier = new Verifier(this.site);
    this.outcome = null;
    this.run = 0;
    this.emailTimer = 0;
  }

  async start() {
    const css = el("link", { attrs: { rel: "stylesheet", href: new URL("./verify.css", import.meta.url).href } });
    document.head.append(css);
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
    for (const id of ["cr-email", "cr-recipient-key"]) {
      $(id).addEventListener("input", () => {
        clearTimeout(this.emailTimer);
        this.emailTimer = setTimeout(() => this.recheckRecipient(), 300);
      });
    }
    $("cr-copy").addEventListener("click", () => this.copyLink());
    window.addEventListener("hashchange", () => this.fromLocation());
    this.fromLocation();
  }

  fromLocation() {
    let fragment = window.location.hash.slice(1);
    try {
      fragment = decodeURIComponent(fragment).trim();
    } catch {
      fragment = fragment.trim();
    }
    // Only a hash (with the earner's recipient key after "~") is a verification; other fragments are the
    // page's own anchors.
    if (!fragment || (!HASH.test(fragment) && document.getElementById(fragment))) return;
    $("cr-hash").value = fragment;
    this.verify(() => {
      const { hash, key } = parseLinkInput(fragment);
      $("cr-hash").value = hash;
      if (key !== null) $("cr-recipient-key").value = key;
      return this.verifier.byHash(hash);
    });
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
    if (window.location.hash === `#${hash}`) this.verify(() => this.verifier.byHash(hash));
    else window.location.hash = hash; // hashchange verifies, and the address bar holds the link
  }

  async verifyFile(file) {
    if (file.size > MAX_INPUT) {
      this.showError(
        new InputError(
          `This file is ${Math.round(file.size / 1024)} KiB; an award is a few KiB (at most 1 MiB is read).`,
        ),
      );
      return;
    }
    this.verifyText(await file.text());
  }

  verifyText(text) {
    if (!String(text).trim()) {
      this.showError(new InputError("Paste the award's JSON first."));
      return;
    }
    if (text.length > MAX_INPUT) {
      this.showError(new InputError("This is far too long for an award, which is a few KiB of JSON."));
      return;
    }
    if (window.location.hash) history.replaceState(null, "", window.location.pathname + window.location.search);
    $("cr-hash").value = "";
    this.verify(async () => this.verifier.byDocument(parseAwardJSON(text))).then(() => {
      $("cr-verdict").scrollIntoView({ block: "nearest" });
    });
  }

  async verify(produce) {
    const run = ++this.run;
    this.outcome = null;
    this.showMessage("busy", "Checking…", "Fetching the registry's data and checking the signature.");
    $("cr-result").hidden = true;
    $("cr-verdict").setAttribute("aria-busy", "true");
    try {
      const outcome = await produce();
      if (outcome.kind === "verified" && outcome.hash) outcome.checks.push(await logCheck(this.site, outcome.hash));
      if (run !== this.run) return;
      this.outcome = outcome;
      await this.render();
    } catch (error) {
      if (run !== this.run) return;
      this.showError(error);
    } finally {
      if (run === this.run) $("cr-verdict").removeAttribute("aria-busy");
    }
  }

  async recheckRecipient() {
    if (this.outcome && this.outcome.kind === "verified") await this.render();
  }

  showError(error) {
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
    $("cr-verdict").removeAttribute("aria-busy");
  }

  showMessage(tone, title, detail, verdict = tone === "busy" ? "checking" : "error") {
    const box = $("cr-verdict");
    box.dataset.verdict = verdict;
    box.className = `cr-verdict cr-${tone}`;
    box.replaceChildren(
      el("span", { className: "cr-verdict-icon", text: ICONS[tone], attrs: { "aria-hidden": "true" } }),
      el(
        "div",
        { className: "cr-verdict-text" },
        el("p", { className: "cr-verdict-title", text: title }),
        el("p", { className: "cr-verdict-detail", text: detail }),
      ),
    );
  }

  async render() {
    const outcome = this.outcome;
    if (outcome.kind === "unknown") {
      this.showMessage(
        "warn",
        "Unknown hash",
        `No award with the hash ${outcome.hash} is registered here. Check that the whole link or hash was copied, or check the award's file instead.`,
        "unknown",
      );
      $("cr-result").hidden = true;
      return;
    }
    const run = this.run;
    const email = $("cr-email").value;
    const key = $("cr-recipient-key").value;
    const result = await conclude(outcome, email.trim() ? email : null, key.trim() ? key : null);
    if (run !== this.run || this.outcome !== outcome) return;
    this.renderVerdict(outcome, result);
    this.renderFacts(outcome.facts, result);
    this.renderChecks(result.checks, result.authentic);
    this.renderShare(outcome.facts);
    $("cr-result").hidden = false;
  }

  renderVerdict(outcome, result) {
    // The headline (results.js headlineOf, the same sentence as credreg verify) leads; one plain line follows.
    const find = (id) => result.checks.find((c) => c.id === id);
    const { facts } = outcome;
    const { kind, text } = result.headline;
    const issuer = facts.issuerName ?? facts.issuerDid ?? "its issuer";
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
    const recipient = find("recipient");
    if (kind === HeadlineKind.RECIPIENT_REFUSED && recipient) detail = "The award is genuine and in force, but the email address you typed is not the one it was awarded to.";
    this.showMessage(TONES[kind] ?? "warn", text, detail, result.verdict);
    $("cr-verdict").dataset.headline = kind;
  }

  renderFacts(facts, result) {
    $("cr-result-title").textContent = result.authentic ? "This award" : "What this award claims (not verified)";
    const rows = [];
    const row = (term, ...value) => rows.push(el("div", {}, el("dt", { text: term }), el("dd", {}, ...value)));
    const link = (text, href) => (href ? el("a", { text, attrs: { href } }) : document.createTextNode(text));
    if (facts.credentialName || facts.credentialRef) {
      row("Credential", link(facts.credentialName ?? facts.credentialRef, facts.credentialUrl));
    }
    const issuerName = facts.issuerName ?? facts.issuerDid ?? "unknown";
    row(
      "Issuer",
      link(issuerName, facts.issuerUrl),
      document.createTextNode(facts.issuer ? ` (registered here as ${facts.issuer})` : " (not registered here)"),
    );
    if (facts.awarded) row("Awarded", document.createTextNode(day(facts.awarded)));
    if (facts.validFrom) row("Valid from", document.createTextNode(day(facts.validFrom)));
    row("Valid until", document.createTextNode(facts.validUntil ? day(facts.validUntil) : "does not expire"));
    if (facts.hash) row("Award hash", el("code", { className: "cr-hash", text: facts.hash }));
    $("cr-facts").replaceChildren(...rows);
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
          el("span", { className: "cr-check-reason", text: sentence(c.reason) }),
        );
      }),
    );
  }

  renderShare(facts) {
    const share = $("cr-share");
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
        }
      })
      .catch(() => $("cr-qr").replaceChildren(document.createTextNode("The QR code could not be drawn.")));
  }

  async copyLink() {
    const input = $("cr-link");
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      input.focus();
      input.select();
      try {
        copied = document.execCommand("copy");
      } catch {
        copied = false;
      }
    }
    $("cr-copied").textContent = copied
      ? "Link copied."
      : "Copying is blocked here: the link is selected, copy it with your keyboard.";
  }
}

const root = document.getElementById("cr-verify");
if (root) new Page(root).start();
