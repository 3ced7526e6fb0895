// The compare page: the credentials named in the address (?ids=issuer/slug,issuer/slug), or else those chosen
// with "Add to compare", side by side. Each one's facts come from its registry API document
// (api/credentials/<issuer>/<slug>.json, "display": worded by generator/render/compare.py), fetched from this
// site only. Every value is set as text; links go to the site's own credential pages.

import { FRAMED, framed, openOnItsOwn } from "../verify/framing.js";
import { REVALIDATE, fetchBounded, strictText } from "../verify/sitedata.js";
import { MAX, compareUrl, picked, setPicked, validRef } from "./picker.js";

const siteRoot = new URL("../../", import.meta.url);
let shownSearch = null; // the query of the comparison on screen
let asked = 0; // comparisons asked for so far: only the latest one is drawn
let comparing = 0; // comparisons asked for and not yet drawn or dropped
const root = document.querySelector("[data-compare]");
if (root) start(root);

function idsFromAddress() {
  const raw = new URLSearchParams(window.location.search).get("ids");
  if (raw === null) return null;
  return [...new Set(raw.split(",").map((x) => x.trim()))].filter(validRef).slice(0, MAX);
}

async function start(root) {
  const status = root.querySelector("[data-compare-status]");
  const box = root.querySelector("[data-compare-table]");
  let ids = idsFromAddress();
  if (ids === null) {
    ids = picked().map((x) => x.ref);
    if (ids.length) history.replaceState(null, "", compareUrl(ids));
  }
  await render(ids, status, box);
  // A link within the page (the skip link) fires popstate too: only a changed query is a new comparison, so the
  // table is not rebuilt under a reader's keyboard focus.
  window.addEventListener("popstate", () => {
    if (window.location.search !== shownSearch) render(idsFromAddress() ?? [], status, box);
  });
  // Back (or forward) to the page, the browser restores it from its back/forward cache as it was, with no fetch:
  // a claim stayed "Confirmed" on an endorsement revoked since. The comparison is drawn again, its claims weighed now.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) render(idsFromAddress() ?? [], status, box);
  });
}

async function load(ref) {
  try {
    // As the verification page reads its files: bounded, and revalidated (a copy the browser kept within the host's
    // max-age would list an earlier build's endorsements and claims).
    const path = `api/credentials/${ref}.json`;
    const bytes = await fetchBounded(new URL(path, siteRoot), path, Error, REVALIDATE);
    if (bytes === null) return null;
    const doc = JSON.parse(strictText(bytes, path));
    return doc && doc.ref === ref && doc.display ? doc.display : null;
  } catch {
    return null;
  }
}

// True when this comparison was drawn: false when one asked for since (back, then forward at once) came first.
// Progress only, for whoever waits on the page (the tests): data-comparing marks a comparison asked for and not yet
// drawn or dropped, so a test can tell "none was asked for" from "one has not landed yet". Nothing is decided by it.
async function render(ids, status, box) {
  comparing += 1;
  root.dataset.comparing = "";
  try {
    return await draw(ids, status, box);
  } finally {
    if (--comparing === 0) delete root.dataset.comparing;
  }
}

async function draw(ids, status, box) {
  shownSearch = window.location.search;
  const run = ++asked;
  const loaded = await Promise.all(ids.map(load));
  if (run !== asked) return false;
  const missing = ids.filter((_, i) => !loaded[i]);
  const found = ids.map((ref, i) => [ref, loaded[i]]).filter(([, d]) => d);
  const notes = [];
  if (missing.length) notes.push(`Not in this registry: ${missing.join(", ")}.`);
  if (found.length < 2) {
    notes.push(
      found.length
        ? "Choose at least one more credential to compare: use “Add to compare” in the catalog or on a credential's page."
        : "No credentials chosen yet: use “Add to compare” in the catalog or on a credential's page (up to four).",
    );
  }
  status.textContent = notes.join(" ");
  box.replaceChildren();
  if (found.length) box.append(table(found, (ref) => remove(ref, status, box)));
  return true;
}

async function remove(ref, status, box) {
  const at = [...box.querySelectorAll(".cr-compare__remove")].indexOf(document.activeElement);
  const ids = (idsFromAddress() ?? []).filter((x) => x !== ref);
  history.pushState(null, "", compareUrl(ids));
  setPicked(picked().filter((x) => x.ref !== ref));
  if (await render(ids, status, box)) {
    status.textContent = `Removed from the comparison. ${status.textContent}`.trim();
    if (at >= 0) {
      // Removed by the keyboard: the focus goes to the Remove button now in its place (or the one before it),
      // or else to the message saying what is left, not to the top of the rebuilt page.
      const buttons = box.querySelectorAll(".cr-compare__remove");
      const next = buttons[Math.min(at, buttons.length - 1)];
      if (next) next.focus();
      else {
        status.tabIndex = -1;
        status.focus();
      }
    }
  }
}

// --- the table --------------------------------------------------------------------------------------------

function table(found, onRemove) {
  const cols = found.map(([, d]) => d);
  const wrap = el("div", {
    className: "cr-table-wrap cr-compare__wrap",
    attrs: { tabindex: "0", role: "region", "aria-label": "Comparison table (scrolls sideways)" },
  });
  const t = el("table", { className: "cr-table cr-compare__table" });
  t.append(el("caption", { text: `${cols.length} credentials compared` }));
  const head = el("tr");
  head.append(el("td", { className: "cr-compare__corner" }));
  for (const [ref, d] of found) {
    const th = el("th", { attrs: { scope: "col" } });
    th.append(link(d.name, d.page), el("span", { className: "cr-compare__issuer", text: d.issuer }));
    const button = el("button", {
      className: "cr-compare__remove",
      text: "Remove",
      attrs: { type: "button", "aria-label": `Remove ${d.name} from the comparison` },
    });
    button.addEventListener("click", () => onRemove(ref));
    th.append(button);
    head.append(th);
  }
  t.append(el("thead", {}, [head]));

  const facts = el("tbody");
  const row = (label, cell) => {
    const tr = el("tr");
    tr.append(el("th", { text: label, attrs: { scope: "row" } }));
    for (const d of cols) tr.append(el("td", {}, cell(d)));
    facts.append(tr);
  };
  row("Type", (d) => [d.type]);
  row("Status", (d) => [d.status]);
  row("Level", (d) => (d.eqf ? [d.level, el("span", { className: "cr-compare__note", text: d.eqf })] : [d.level]));
  row("Effort", (d) => [d.effort]);
  row("Cost", (d) => [d.cost]);
  row("Delivery", (d) => [d.delivery]);
  row("Languages", (d) => [d.languages.join(", ")]);
  row("Assessed by", (d) => [list(d.assessment.map((a) => (a.weight ? `${a.method}: ${a.weight}` : a.method)))]);
  row("Practical assessment", (d) => [d.practical]);
  row("Pass mark", (d) => [d.pass_mark || "Not stated"]);
  t.append(facts);

  // Skills: one row per skill, those certified by more of the compared credentials first.
  const skills = new Map();
  cols.forEach((d, i) => {
    for (const s of d.skills) {
      const entry = skills.get(s.key) ?? { label: s.label, by: new Map() };
      entry.by.set(i, s.name);
      skills.set(s.key, entry);
    }
  });
  const ordered = [...skills.values()].sort((a, b) => b.by.size - a.by.size || a.label.localeCompare(b.label));
  const skillBody = el("tbody", { className: "cr-compare__skills" });
  const skillHead = el("tr");
  const shared = ordered.filter((s) => s.by.size === cols.length).length;
  skillHead.append(
    el("th", {
      text: `Skills certified (${shared} shared by all)`,
      className: "cr-compare__group",
      attrs: { scope: "colgroup", colspan: String(cols.length + 1) },
    }),
  );
  skillBody.append(skillHead);
  for (const s of ordered) {
    const tr = el("tr", { className: s.by.size === cols.length ? "cr-compare__shared" : "" });
    tr.append(el("th", { text: s.label, attrs: { scope: "row" } }));
    cols.forEach((_, i) => {
      const name = s.by.get(i);
      const td = el("td");
      if (name === undefined) td.append(el("span", { className: "cr-compare__no", text: "Not certified" }));
      else {
        td.append(el("span", { className: "cr-compare__yes", text: "✓ Certified" }));
        if (name.toLowerCase() !== s.label.toLowerCase()) td.append(el("span", { className: "cr-compare__note", text: `as “${name}”` }));
      }
      tr.append(td);
    });
    skillBody.append(tr);
  }
  t.append(skillBody);

  const more = el("tbody");
  const moreRow = (label, cell) => {
    const tr = el("tr");
    tr.append(el("th", { text: label, attrs: { scope: "row" } }));
    for (const d of cols) tr.append(el("td", {}, cell(d)));
    more.append(tr);
  };
  const pathwayWords = {
    prerequisites: "Hold first",
    components: "Earned by holding",
    counts_towards: "Counts towards",
    prerequisite_for: "Prerequisite for",
  };
  moreRow("Pathway", (d) => {
    const parts = Object.entries(pathwayWords)
      .filter(([key]) => d.pathway[key])
      .map(([key, words]) => {
        const p = el("p", { className: "cr-compare__path", text: `${words}: ` });
        d.pathway[key].forEach((x, i) => p.append(i ? ", " : "", link(x.name, x.page)));
        return p;
      });
    return parts.length ? parts : ["Stands alone"];
  });
  // The claims are the issuer's words (the credential page heads them "As the issuer states it"); the badge beside
  // each is the registry's.
  moreRow("Quality assurance, as the issuer states it", (d) => [
    d.quality_assurance.length ? claims(d.quality_assurance) : "None stated",
  ]);
  moreRow("Validity", (d) => [d.validity]);
  moreRow("Awards issued", (d) =>
    [Object.entries(d.awards).map(([k, n]) => `${k}: ${Number(n).toLocaleString("en")}`).join(" · ")],
  );
  t.append(more);
  wrap.append(t);
  return wrap;
}

function link(text, page) {
  return el("a", { text, attrs: { href: new URL(page, siteRoot).pathname } });
}

// What stands of each claim, in the registry's words and as a badge of its own, as on the credential page
// (generator/render/endorsements.py): never a run of text an issuer's own words could imitate.
const CLAIM_BADGES = { confirmed: "cr-badge--active", revoked: "cr-badge--revoked", claimed: "cr-badge--deprecated" };

function claims(items) {
  // Framed by another site, which could cover a credential's name with another's beside "Confirmed", no claim nor
  // its standing is shown, as on the credential page (framing.js, the one rule; verify/endorsements.js withhold):
  // decided here, each time the table is drawn, not once when the claims' check is loaded.
  if (framed()) {
    return el("p", { className: "cr-muted", attrs: { "data-framed": "" } }, [
      `${FRAMED}: it shows no quality-assurance claim, nor its status, here. `,
      openOnItsOwn(),
    ]);
  }
  return el(
    "ul",
    { className: "cr-compare__list" },
    items.map((c) => {
      const badge = el("span", { className: `cr-badge ${CLAIM_BADGES[c.status] ?? ""}`.trim(), text: c.status_label });
      const item = el("li", { attrs: { "data-claim": c.status } }, [`${c.claim} `, badge]);
      if (Array.isArray(c.endorsements) && c.endorsements.length) {
        // Until weighed, the claim shows the build's words: data-weighing says so (for a reader of the page's state,
        // the tests: the build's words and the browser's are often the same, and one read too early proves nothing).
        item.dataset.weighing = "";
        weigh(item, badge, c.endorsements).finally(() => delete item.dataset.weighing);
      }
      return item;
    }),
  );
}

const HASH = /^[0-9a-f]{64}$/;

// The build's words are those of the day the site was built: the claim is weighed again now, as the credential page
// weighs it (verify/endorsements.js claimStanding, the build's rule), with the verdicts this browser gives the
// endorsements that may confirm it (an endorsement may have expired since). Its code is loaded only then.
async function weigh(item, badge, endorsements) {
  const { CLAIM_CSS, CLAIM_WORDS, claimStanding, publishedVerdict } = await import("../verify/endorsements.js");
  const named = endorsements.filter((e) => e && HASH.test(e.hash) && typeof e.file === "string");
  const verdicts = await Promise.all(named.map((e) => publishedVerdict(e.hash, e.file, siteRoot)));
  const standing = claimStanding(verdicts.map((v) => v.state));
  item.dataset.claim = standing;
  badge.textContent = CLAIM_WORDS[standing];
  badge.className = CLAIM_CSS[standing];
}

function list(items) {
  return el("ul", { className: "cr-compare__list" }, items.map((x) => el("li", { text: x })));
}

function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}
