// Whether a page is shown inside another site's frame, and what it offers instead of its results then: the one
// rule of every page that shows a trust-bearing result computed in the browser (the verification page's verdict,
// and the endorsement checks of credential, issuer and endorser pages: endorsements.js).
//
// Another site can frame such a page and cover parts of it with its own words (another name, another
// credential), lending them the registry's "Valid". A static site cannot forbid framing: that takes a
// frame-ancestors header, which a <meta> Content-Security-Policy cannot carry. So, framed, a page gives no such
// result, and links to itself, to be opened where the address bar names the registry.

/** The sentence every framed page leads with (its own words follow: what it does not show). */
export const FRAMED = "This page is shown inside another site, which could cover what it says";

/** True inside a frame (or a frame whose parent cannot be told): the page is then not where its address bar is. */
export function framed() {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/** A link that opens this very page in a tab of its own, where no other site can frame it. */
export function openOnItsOwn(text = "Open it in a new tab") {
  const link = document.createElement("a");
  link.textContent = text;
  link.setAttribute("href", window.location.href);
  link.setAttribute("target", "_blank");
  link.setAttribute("rel", "noopener noreferrer");
  return link;
}
