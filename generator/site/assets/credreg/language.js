// The credential page's language switch: the name, summary, description and criteria in a language the issuer
// translated them into, swapped in place (?lang=de keeps the choice in the address). Without JavaScript the
// translations stand in their own section further down, linked from "Also in: …". Texts are copied as nodes
// from that server-rendered section: nothing is ever parsed as markup.

const nav = document.querySelector("nav.cr-langs[data-own-lang]");
if (nav) start(nav);

function copy(nodes) {
  const clones = nodes.map((node) => node.cloneNode(true));
  for (const clone of clones) {
    if (clone.nodeType !== Node.ELEMENT_NODE) continue;
    clone.removeAttribute("id"); // ids stay unique: the originals are still on the page
    for (const inner of clone.querySelectorAll("[id]")) inner.removeAttribute("id");
  }
  return clones;
}

function start(nav) {
  const own = nav.dataset.ownLang;
  const blocks = new Map([...document.querySelectorAll("section.cr-translation[lang]")].map((s) => [s.lang, s]));
  const names = new Map([[own, nav.dataset.ownName]]);
  for (const link of nav.querySelectorAll("a[hreflang]")) names.set(link.hreflang, link.textContent);
  const targets = [...document.querySelectorAll("[data-i18n]")].map((el) => ({
    el,
    key: el.dataset.i18n,
    original: copy([...el.childNodes]),
  }));

  const group = document.createElement("div");
  group.className = "cr-langs__switch";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Language of this page's texts");
  const buttons = [...names].map(([tag, name]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cr-langs__button";
    button.lang = tag;
    button.textContent = name;
    button.addEventListener("click", () => choose(tag, true));
    return button;
  });
  group.append(...buttons);
  nav.replaceChildren(group);

  function choose(tag, remember) {
    const block = blocks.get(tag);
    for (const target of targets) {
      const source = block ? [...block.querySelectorAll("[data-i18n-src]")].find((s) => s.dataset.i18nSrc === target.key) : null;
      target.el.replaceChildren(...copy(source ? [...source.childNodes] : target.original));
      target.el.lang = source ? tag : own;
    }
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.lang === tag));
    if (remember) {
      const url = new URL(window.location.href);
      if (tag === own) url.searchParams.delete("lang");
      else url.searchParams.set("lang", tag);
      history.replaceState(null, "", url);
    }
  }

  const asked = new URLSearchParams(window.location.search).get("lang");
  choose(blocks.has(asked) ? asked : own, false);
}
