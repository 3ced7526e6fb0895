// The catalog's search and facets, on the Pagefind index of the credential pages (built by `credreg build`).
// Without JavaScript the page is a plain list of every credential. With it, the query and the selected facet
// values live in the address (?q=sql&level=Intermediate&skill=SQL), so a filtered view can be shared and is
// restored on reload and by the back button. Everything shown comes from the index as text: nothing from it
// is ever inserted as markup. Retired credentials are left out unless the reader asks for them (?retired=show).
// Names rank first: the index weighs a credential's name most (generator/publish/search.py) and the first results
// are re-ranked here so that those whose name holds the query's words come first.

import { pickButton } from "./picker.js";

const PAGE_SIZE = 20;
const COLLAPSED_VALUES = 8;
// Results whose card is loaded to put name matches first (Pagefind weighs a long text's many mentions of a word
// above a short name holding it: "cloud cost" would rank a page mentioning clouds and costs throughout above
// "Cloud Cost Optimisation").
const RERANK = 40;
// Below this width the filters sit above the results (site.css): a "Show N results" button jumps to them.
const NARROW = window.matchMedia("(max-width: 59.984375em)");
const LESS_MOTION = window.matchMedia("(prefers-reduced-motion: reduce)");

const catalog = document.querySelector("[data-catalog]");
if (catalog) start(catalog);

async function start(root) {
  const config = JSON.parse(root.dataset.config);
  const siteRoot = new URL("../../", import.meta.url);
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
  } catch (error) {
    console.error("catalog: the search index could not be loaded", error);
    return; // the server-rendered list stays
  }
  const ui = new Catalog(root, config, pagefind);
  await ui.init();
}

class Catalog {
  constructor(root, config, pagefind) {
    this.root = root;
    this.facets = config.facets;
    this.matchAll = config.matchAll;
    // The status facet's value of a retired credential, as the build words it (labels.STATUS).
    this.retiredValue = config.retired;
    this.pagefind = pagefind;
    this.form = root.querySelector("form.cr-search");
    this.input = root.querySelector("#catalog-q");
    this.panel = root.querySelector("[data-facets]");
    this.count = root.querySelector("[data-count]");
    this.active = root.querySelector("[data-active]");
    this.serverList = root.querySelector("[data-server-list]");
    this.resultsBox = root.querySelector("[data-results]");
    this.resultList = root.querySelector("[data-result-list]");
    this.more = root.querySelector("[data-more]");
    this.serverCount = this.count.textContent;
    this.retired = root.querySelector("[data-retired]");
    this.retiredBox = root.querySelector("[data-retired] input");
    this.run = 0;
    this.searching = 0; // searches started and not yet drawn or dropped (data-searching)
    this.searches = 0; // searches started since the page loaded (data-searches)
  }

  async init() {
    this.totals = await this.pagefind.filters();
    this.buildPanel();
    let timer;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer); // the typing's own search, due a moment later, would search again for the same
      delete this.root.dataset.typing;
      this.commit(true);
    });
    // Progress only, for whoever waits on the page (the tests): data-typing marks the typing's own search as due,
    // data-searching a search started and not yet drawn or dropped, data-searches how many were started since the
    // page loaded. Nothing is decided by them.
    this.input.addEventListener("input", () => {
      clearTimeout(timer);
      this.root.dataset.typing = "";
      timer = setTimeout(() => {
        delete this.root.dataset.typing;
        this.commit(false);
      }, 250);
    });
    this.more.addEventListener("click", () => this.showMore());
    this.retired.hidden = false;
    this.retiredBox.addEventListener("change", () => this.commit(true));
    // A link within the page (the skip link, a heading's anchor) fires popstate too; searching again then would
    // rebuild the results under a reader's keyboard focus. Only a changed query is a new state.
    window.addEventListener("popstate", () => {
      if (window.location.search !== this.shownSearch) this.restore();
    });
    this.restore();
  }

  // --- state <-> address ------------------------------------------------------------------------------

  // Only the values the index holds are taken from the address. A facet's values are alternatives: one no
  // credential has, sent beside a real one, would match nothing and hide nothing, while its chip stood over the
  // real one's results (a link reading "Recognised by: <a body that signed for none of them>").
  readState() {
    const params = new URLSearchParams(window.location.search);
    const selected = {};
    let unknown = 0;
    for (const facet of this.facets) {
      const known = this.totals[facet.key] ?? {};
      const values = params.getAll(facet.key).filter((v) => v);
      const kept = values.filter((v) => Object.hasOwn(known, v));
      unknown += values.length - kept.length;
      if (kept.length) selected[facet.key] = new Set(kept);
    }
    return { q: (params.get("q") || "").trim(), selected, retired: params.get("retired") === "show", unknown };
  }

  currentState() {
    const selected = {};
    for (const box of this.panel.querySelectorAll("input[type=checkbox]:checked")) {
      (selected[box.name] ??= new Set()).add(box.value);
    }
    return { q: this.input.value.trim(), selected, retired: this.retiredBox.checked };
  }

  address(state) {
    return window.location.pathname + this.query(state);
  }

  // The address's search ("?q=…&level=…", or "" for the whole catalog) that says `state`.
  query(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const facet of this.facets) {
      for (const value of state.selected[facet.key] ?? []) params.append(facet.key, value);
    }
    if (state.retired) params.set("retired", "show");
    const query = params.toString();
    return query ? `?${query}` : "";
  }

  commit(push, reveal = false) {
    const state = this.currentState();
    const url = this.address(state);
    // Nothing changed (Enter on the query just searched for): the results shown are this state's, and searching
    // again would rebuild them under the reader's focus.
    if (url === window.location.pathname + this.shownSearch && this.shownSearch === window.location.search) return;
    if (url !== window.location.pathname + window.location.search) {
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    }
    this.shownSearch = window.location.search;
    this.apply(state, { reveal });
  }

  restore() {
    const state = this.readState();
    // The address says what is shown: without the values left out, so a copy of it does not carry them on.
    if (state.unknown) history.replaceState(null, "", this.address(state) + window.location.hash);
    this.shownSearch = window.location.search;
    this.input.value = state.q;
    this.retiredBox.checked = state.retired;
    for (const box of this.panel.querySelectorAll("input[type=checkbox]")) {
      box.checked = state.selected[box.name]?.has(box.value) ?? false;
    }
    this.apply(state);
  }

  // --- searching --------------------------------------------------------------------------------------

  filtersFor(state, except) {
    const filters = {};
    for (const [key, values] of Object.entries(state.selected)) {
      if (key !== except && values.size) filters[key] = { any: [...values] };
    }
    // Retired credentials are no longer awarded: hidden unless asked for, or chosen in the status facet.
    if (!state.retired && !state.selected.status && except !== "status") filters.status = { none: [this.retiredValue] };
    return filters;
  }

  async search(state, except) {
    const options = { filters: this.filtersFor(state, except) };
    if (!state.q) options.sort = { name: "asc" };
    // Facets alone search for the word every credential has: a search without words would load the whole index.
    return this.pagefind.search(state.q || this.matchAll, options);
  }

  async apply(state, options) {
    this.searching += 1;
    this.root.dataset.searching = "";
    this.root.dataset.searches = String(++this.searches);
    try {
      await this.draw(state, options);
    } finally {
      if (--this.searching === 0) delete this.root.dataset.searching;
    }
  }

  async draw(state, { reveal = false } = {}) {
    const run = ++this.run;
    const filtering = state.q || Object.keys(state.selected).length;
    this.renderActive(state);
    if (!filtering && state.retired) {
      this.showServerList();
      this.root.dataset.shownFor = this.query(state);
      this.updateCounts(this.totals, {});
      this.updateRetired(this.totals.status?.[this.retiredValue] ?? 0);
      this.showButton.textContent = "Show all credentials";
      return;
    }
    const main = await this.search(state);
    // A facet's own counts ignore its own selection, so choosing one value never hides the others.
    const own = {};
    for (const key of Object.keys(state.selected)) own[key] = (await this.search(state, key)).filters[key];
    if (run !== this.run) return; // a newer query has started
    const results = state.q ? await this.rerank(main.results, state.q) : main.results;
    const retired = state.retired
      ? main.filters.status?.[this.retiredValue] ?? 0
      : (await this.search({ ...state, retired: true })).filters.status?.[this.retiredValue] ?? 0;
    const first = await this.cards(results, 0);
    if (run !== this.run) return;
    // Everything answered: the heading (a live region), the counts and the first cards change together, never a
    // heading announcing results over an emptied list while the cards' data loads.
    this.updateCounts(main.filters, own);
    this.results = results;
    this.shown = first.length;
    this.resultList.replaceChildren(...first);
    this.more.hidden = this.shown >= results.length;
    const n = results.length;
    const words = `${n.toLocaleString("en")} credential${n === 1 ? "" : "s"}`;
    this.count.textContent = !filtering ? words : n === 0 ? "No credential matches" : `${words} match${n === 1 ? "es" : ""}`;
    this.showButton.textContent = n === 0 ? "No results: change the filters" : `Show ${n.toLocaleString("en")} result${n === 1 ? "" : "s"}`;
    this.updateRetired(retired);
    this.serverList.hidden = true;
    this.resultsBox.hidden = false;
    // Progress only, for whoever waits on the page (the tests): the results shown are now those of this search.
    // A heading alone cannot say so when the last search had the same count.
    this.root.dataset.shownFor = this.query(state);
    if (reveal && !NARROW.matches) this.reveal(false);
  }

  data(result) {
    result.loaded ??= result.data();
    return result.loaded;
  }

  // Among the first results, those whose name has more of the query's words (as whole words or their start)
  // come first; ties keep Pagefind's order.
  async rerank(results, q) {
    const words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (!words.length) return results;
    const head = results.slice(0, RERANK);
    const cards = await Promise.all(head.map((result) => this.data(result)));
    const hits = cards.map((data) => {
      const name = (data.meta.title || "").toLowerCase().split(/[^\p{L}\p{N}]+/u);
      return words.filter((w) => name.some((n) => n.startsWith(w))).length;
    });
    const order = head.map((result, i) => [result, hits[i], i]);
    order.sort((a, b) => b[1] - a[1] || a[2] - b[2]);
    return [...order.map((x) => x[0]), ...results.slice(RERANK)];
  }

  updateRetired(n) {
    this.retired.querySelector("[data-retired-count]").textContent = `(${n.toLocaleString("en")})`;
  }

  // The results, brought into view; with focus on their heading when the reader asked to go there.
  reveal(focus) {
    const box = this.count.getBoundingClientRect();
    if (focus) {
      this.count.focus({ preventScroll: true });
      this.count.scrollIntoView({ block: "start" });
    } else if (box.top < 0 || box.bottom > window.innerHeight) {
      // Smooth, unless the reader asked their system for less motion: then a jump.
      this.count.scrollIntoView({ block: "start", behavior: LESS_MOTION.matches ? "instant" : "smooth" });
    }
  }

  // The cards of the next PAGE_SIZE results from `from`, once their data has loaded.
  async cards(results, from) {
    const batch = results.slice(from, from + PAGE_SIZE);
    return (await Promise.all(batch.map((result) => this.data(result)))).map(card);
  }

  async showMore() {
    const [run, results, from] = [this.run, this.results, this.shown];
    const cards = await this.cards(results, from);
    if (run !== this.run || this.shown !== from) return; // a newer query, or a second click that came first
    // Still on the button (pressed by keyboard, or clicked): the focus goes on to the first card added, where the
    // reading goes on; left there, it fell to the page itself when the button hid, and Tab began at the top again.
    const focused = document.activeElement === this.more;
    this.resultList.append(...cards);
    this.shown += cards.length;
    this.more.hidden = this.shown >= results.length;
    if (focused && cards.length) cards[0].querySelector(".cr-card__title a")?.focus();
  }

  showServerList() {
    this.serverList.hidden = false;
    this.resultsBox.hidden = true;
    this.count.textContent = this.serverCount;
  }

  // --- facet panel ------------------------------------------------------------------------------------

  buildPanel() {
    // On narrow screens the filters fold away behind a button, so results come first.
    const box = el("div", { className: "cr-facets__box" });
    const title = el("h2", { className: "cr-facets__title", text: "Filters" });
    const toggle = el("button", {
      className: "cr-facets__toggle cr-btn cr-btn--secondary",
      text: "Show filters",
      attrs: { type: "button", "aria-expanded": "false", "aria-controls": "cr-facet-groups" },
    });
    const details = el("div", { className: "cr-facets__groups", attrs: { id: "cr-facet-groups" } });
    toggle.addEventListener("click", () => {
      const open = box.classList.toggle("cr-facets__box--open");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Hide filters" : "Show filters";
    });
    const skip = el("a", { className: "cr-skip-results", text: "Skip the filters: go to the results", attrs: { href: "#results-count" } });
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      this.reveal(true);
    });
    // On narrow screens this stays at the bottom of the screen while filters are open: one tap to the results.
    this.showButton = el("button", { className: "cr-btn cr-facets__show", text: "Show results", attrs: { type: "button" } });
    this.showButton.addEventListener("click", () => this.reveal(true));
    box.append(skip, title, toggle, details, this.showButton);
    this.groups = {};
    for (const facet of this.facets) {
      const values = this.totals[facet.key];
      if (!values || !Object.keys(values).length) continue;
      const group = el("fieldset", { className: "cr-facet" });
      group.append(el("legend", { className: "cr-facet__legend", text: facet.label }));
      if (facet.help) group.append(el("p", { className: "cr-facet__help", text: facet.help }));
      const list = el("ul", { className: "cr-facet__values" });
      for (const value of this.ordered(facet, values)) {
        const id = `facet-${facet.key}-${list.childElementCount}`;
        const box = el("input", { attrs: { type: "checkbox", id, name: facet.key, value } });
        box.addEventListener("change", () => this.commit(true, true));
        const label = el("label", { attrs: { for: id } });
        label.append(el("span", { className: "cr-facet__name", text: value }), el("span", { className: "cr-facet__count" }));
        const item = el("li", { className: "cr-facet__value" });
        item.append(box, label);
        list.append(item);
      }
      if (list.childElementCount > COLLAPSED_VALUES) group.append(this.finder(facet, group, list));
      group.append(list);
      if (list.childElementCount > COLLAPSED_VALUES) {
        group.classList.add("cr-facet--collapsed");
        const toggle = el("button", {
          className: "cr-facet__more",
          text: `Show all ${list.childElementCount}`,
          attrs: { type: "button", "aria-expanded": "false" },
        });
        toggle.addEventListener("click", () => {
          const collapsed = group.classList.toggle("cr-facet--collapsed");
          toggle.textContent = collapsed ? `Show all ${list.childElementCount}` : "Show fewer";
          toggle.setAttribute("aria-expanded", String(!collapsed));
        });
        group.append(toggle);
      }
      this.groups[facet.key] = group;
      details.append(group);
    }
    this.panel.replaceChildren(box);
    this.panel.hidden = false;
  }

  // A long facet (skills, occupations…) gets a box that narrows its values as you type.
  finder(facet, group, list) {
    const find = el("input", {
      className: "cr-facet__find",
      attrs: { type: "search", placeholder: `Find ${facet.label.toLowerCase()}`, "aria-label": `Find ${facet.label}` },
    });
    find.addEventListener("input", () => {
      const query = find.value.trim().toLowerCase();
      group.classList.toggle("cr-facet--finding", Boolean(query));
      for (const item of list.children) item.hidden = Boolean(query) && !item.textContent.toLowerCase().includes(query);
    });
    return find;
  }

  ordered(facet, counts) {
    const values = Object.keys(counts);
    if (facet.order.length) {
      const rank = new Map(facet.order.map((v, i) => [v, i]));
      return values.sort((a, b) => (rank.get(a) ?? 1e9) - (rank.get(b) ?? 1e9) || a.localeCompare(b));
    }
    return values.sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  }

  updateCounts(counts, own) {
    for (const [key, group] of Object.entries(this.groups)) {
      const source = own[key] ?? counts[key] ?? {};
      for (const item of group.querySelectorAll(".cr-facet__value")) {
        const box = item.querySelector("input");
        const n = source[box.value] ?? 0;
        // The number alone on screen; read out, it says what it counts ("Beginner 9" was a bare number).
        item
          .querySelector(".cr-facet__count")
          .replaceChildren(
            n.toLocaleString("en"),
            el("span", { className: "cr-visually-hidden", text: n === 1 ? " credential" : " credentials" }),
          );
        item.classList.toggle("cr-facet__value--empty", n === 0 && !box.checked);
        box.disabled = n === 0 && !box.checked;
        // Selected values always show, even when the group is collapsed.
        item.classList.toggle("cr-facet__value--selected", box.checked);
      }
    }
  }

  renderActive(state) {
    const chips = [];
    for (const facet of this.facets) {
      for (const value of state.selected[facet.key] ?? []) {
        const chip = el("button", {
          className: "cr-active-chip",
          text: `${facet.label}: ${value}`,
          attrs: { type: "button", "aria-label": `Remove filter ${facet.label}: ${value}` },
        });
        chip.addEventListener("click", () => {
          const box = [...this.panel.querySelectorAll("input[type=checkbox]")].find(
            (b) => b.name === facet.key && b.value === value,
          );
          if (box) box.checked = false;
          this.commit(true);
        });
        chips.push(chip);
      }
    }
    if (chips.length > 1 || (chips.length && state.q)) {
      const clear = el("button", { className: "cr-active-clear", text: "Clear all", attrs: { type: "button" } });
      clear.addEventListener("click", () => {
        for (const box of this.panel.querySelectorAll("input:checked")) box.checked = false;
        this.input.value = "";
        this.commit(true);
      });
      chips.push(clear);
    }
    // A chip removed by the keyboard: its place keeps the focus (the chip now there, or the one before it, or
    // else the results' heading), not the page's top, where a rebuilt list would leave it.
    const held = [...this.active.children].indexOf(document.activeElement);
    this.active.replaceChildren(...chips);
    if (state.unknown) {
      // Said without repeating them: their words are the link's, not the registry's.
      const n = state.unknown;
      const words = `The link named ${n === 1 ? "a filter" : `${n} filters`} this registry does not have: left out.`;
      this.active.append(el("p", { className: "cr-active-note", text: words }));
    }
    if (held >= 0) (chips[Math.min(held, chips.length - 1)] ?? this.count).focus();
  }
}

// --- result cards: the same markup as the server-rendered list (generator/render/components.py) --------

function card(data) {
  const c = JSON.parse(data.meta.card);
  const item = el("li", { className: "cr-card" });
  const title = el("h3", { className: "cr-card__title" });
  title.append(el("a", { text: c.name, attrs: { href: data.url } }));
  const meta = el("p", { className: "cr-card__meta", text: `${c.issuer} · ${c.type} ` });
  if (c.status !== "active") meta.append(el("span", { className: `cr-badge cr-badge--${c.status}`, text: c.statusLabel }));
  const facts = el("ul", { className: "cr-card__facts", attrs: { "aria-label": "Key facts" } });
  for (const key of ["level", "effort", "cost", "delivery"]) if (c[key]) facts.append(el("li", { text: c[key] }));
  const assessed = el("p", { className: "cr-card__assessment" });
  assessed.append(el("span", { className: "cr-card__label", text: "Assessed by" }), ` ${c.assessment}`);
  item.append(title, meta, el("p", { className: "cr-card__summary", text: c.summary }), facts, assessed);
  if (c.ref) item.append(pickButton(c.ref, c.name));
  return item;
}

function el(tag, { className, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  return node;
}
