// Material for MkDocs' inline bootstrap (partials/javascripts/base.html), as a file so the page's
// Content-Security-Policy allows no inline script. Its scope is the site root: two levels above this file.
window.__md_scope = new URL("../../", document.currentScript.src);
window.__md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0);
window.__md_get = (e, _ = localStorage, t = window.__md_scope) => JSON.parse(_.getItem(t.pathname + "." + e));
window.__md_set = (e, _, t = localStorage, a = window.__md_scope) => {
  try {
    t.setItem(a.pathname + "." + e, JSON.stringify(_));
  } catch (e) {}
};
