// A QR code as an SVG element, drawn with DOM calls (no markup strings). Encoder: qrcode-generator 2.0.4
// (MIT, vendored verbatim; see vendor/qrcode-generator-2.0.4.LICENSE.txt).

import qrcode from "./vendor/qrcode-generator-2.0.4.js";

const SVG = "http://www.w3.org/2000/svg";
const QUIET_ZONE = 4; // modules of white margin, as ISO/IEC 18004 requires

/**
 * An <svg> of `text` (ASCII, e.g. a URL's href) with error correction level M.
 * @param {string} text  @param {{cell?: number, label?: string}} [options]
 */
export function qrSvg(text, { cell = 4, label = "" } = {}) {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error("the QR code encodes ASCII text only");
  const code = qrcode(0, "M"); // 0: the smallest version that holds the data
  code.addData(text, "Byte");
  code.make();
  const count = code.getModuleCount();
  const size = count + 2 * QUIET_ZONE;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("width", String(size * cell));
  svg.setAttribute("height", String(size * cell));
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("role", "img");
  if (label) svg.setAttribute("aria-label", label);
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  svg.append(background);
  const parts = [];
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (code.isDark(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", parts.join(""));
  path.setAttribute("fill", "#000");
  svg.append(path);
  return svg;
}
