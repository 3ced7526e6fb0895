// "Add to compare": up to four credentials, kept in this browser (localStorage), with a tray that links to the
// compare page (compare/?ids=issuer/credential,…). The buttons are server-rendered hidden
// (generator/render/components.py: pick_button) and shown here; the catalog script makes the same buttons for
// the cards it draws. Names shown in the tray are set as text, never as markup.

export const MAX = 4;
const REF = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
const siteRoot = new URL("../../", import.meta.url);
// Storage is the origin's, and one origin can serve several registries (project sites of one GitHub Pages account,
// a registry and its staging copy): the key is this site's, as Material scopes its own (md-scope.js), so one
// registry's choices never stand in another's tray, named as the first one names them.
const KEY = `${siteRoot.pathname}.credreg.compare`;

export function validRef(ref) {
  return typeof ref === "string" && ref.length <= 130 && REF.test(ref);
}

export function compareUrl(refs) {
  const url = new URL("compare/", siteRoot);
  if (refs.length) url.search = `?ids=${refs.join(",")}`;
  return url.pathname + url.search;
}

export function picked() {
  let list;
  try {
    list = JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.filter((x) => x && validRef(x.ref) && typeof x.name === "string").slice(0, MAX);
}

export function setPicked(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX)));
  } catch {
    // storage disabled: the compare page still works from its address
  }
  update();
}

function toggle(ref, name) {
  const list = picked();
  const at = list.findIndex((x) => x.ref === ref);
  if (at >= 0) list.splice(at, 1);
  else if (list.length < MAX) list.push({ ref, name });
  setPicked(list);
}

/** A button like the server-rendered ones, for cards drawn in the browser. */
export function pickButton(ref, name) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cr-pick";
  button.dataset.compareRef = ref;
  button.dataset.compareName = name;
  button.setAttribute("aria-pressed", "false");
  button.textContent = "Add to compare";
  sync(button, picked());
  return button;
}

function sync(button, list) {
  const on = list.some((x) => x.ref === button.dataset.compareRef);
  button.hidden = false;
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? "Added to compare" : "Add to compare";
  // A full list takes no more: the button says why instead of doing nothing.
  const full = !on && list.length >= MAX;
  button.disabled = full;
  if (full) button.title = `Compare holds ${MAX} credentials: remove one first`;
  else button.removeAttribute("title");
}

let tray;

function renderTray(list) {
  if (document.querySelector("[data-compare]")) return; // the compare page is the tray
  if (!tray) {
    tray = document.createElement("aside");
    tray.className = "cr-tray md-typeset";
    tray.setAttribute("aria-label", "Credentials to compare");
    document.body.append(tray);
  }
  tray.hidden = list.length === 0;
  const text = document.createElement("p");
  text.className = "cr-tray__text";
  text.textContent = `${list.length} of ${MAX} chosen: ${list.map((x) => x.name).join(", ")}`;
  // With one credential chosen there is nothing to compare yet: a hint, not a link.
  const go = document.createElement(list.length > 1 ? "a" : "span");
  go.className = list.length > 1 ? "cr-btn" : "cr-tray__hint";
  if (list.length > 1) go.href = compareUrl(list.map((x) => x.ref));
  go.textContent = list.length > 1 ? `Compare ${list.length}` : "Choose one more to compare";
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "cr-btn cr-btn--secondary";
  clear.textContent = "Clear";
  clear.addEventListener("click", () => setPicked([]));
  tray.replaceChildren(text, go, clear);
}

export function update() {
  const list = picked();
  for (const button of document.querySelectorAll("button[data-compare-ref]")) sync(button, list);
  renderTray(list);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest?.("button[data-compare-ref]");
  if (button && validRef(button.dataset.compareRef)) toggle(button.dataset.compareRef, button.dataset.compareName || "");
});
window.addEventListener("storage", (event) => {
  if (event.key === KEY) update();
});
update();
