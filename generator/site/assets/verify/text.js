// The characters no published text may hold: the page's copy of generator/_internal/text.py (UNSEEN,
// unseen_problem, MAX_MARKS, mark_tower_problem, lookalike_key, lookalike_keys), held equal over every character by
// tests/site/test_text_js.py.

/** A regex class body: C0 controls but tab and line ends, DEL and C1 controls, bidi controls and marks, line and
 * paragraph separators, characters that show as nothing (soft hyphen, zero-width space, word joiner, byte
 * order mark, Hangul fillers, interlinear annotation marks…), the tag characters (hidden ASCII) and the BMP's
 * noncharacters. Character for character Python's UNSEEN, which says
 * why each is here. */
export const UNSEEN =
  "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\xad\\u061c\\u115f\\u1160\\u200b\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e" +
  "\\u2060-\\u206f\\u3164\\ufdd0-\\ufdef\\ufeff\\uffa0\\ufff9-\\ufffb\\ufffe\\uffff" +
  // The tag characters themselves (each engine spells an escape beyond the BMP its own way; the characters match).
  "\u{e0000}-\u{e007f}";

const UNSEEN_RE = new RegExp(`[${UNSEEN}]`, "u");

/** Why `text` may not be published, in words (null when it may): its first UNSEEN character, counted in code
 * points as Python counts them (a character beyond the BMP is one, not two UTF-16 units). */
export function unseenProblem(text) {
  const found = UNSEEN_RE.exec(text);
  if (found === null) return null;
  const at = [...text.slice(0, found.index)].length;
  const code = found[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
  return `holds the invisible or control character U+${code} (character ${at + 1})`;
}

/** Combining marks one letter may carry (generator/_internal/text.py MAX_MARKS, which says why). */
export const MAX_MARKS = 6;
const MARK = /[\p{Mn}\p{Me}]/u;
// Spacing marks and invisible format characters extend the letter's cluster: the marks after them stack on it too.
const CONTINUES = /[\p{Mc}\p{Cf}]/u;
const MAYBE_TOWER = new RegExp(`[^\\x00-\\x7f]{${MAX_MARKS + 1}}`, "u");

/** The index (in code points, as Python counts) of the first combining mark beyond MAX_MARKS on one letter, or null
 * (generator/_internal/text.py mark_tower; tests/site/test_text_js.py holds the two equal). */
export function markTower(text) {
  if (!MAYBE_TOWER.test(text)) return null; // a tower is more than MAX_MARKS characters, none of them ASCII
  let marks = 0;
  let at = 0;
  for (const char of text) {
    if (MARK.test(char)) {
      marks += 1;
      if (marks > MAX_MARKS) return at;
    } else if (!CONTINUES.test(char)) marks = 0;
    at += 1;
  }
  return null;
}

/** Why `text` may not be shown, in words (null when it may): mark_tower_problem's words, counted alike. */
export function markTowerProblem(text) {
  const at = markTower(text);
  if (at === null) return null;
  return `a letter carries more than ${MAX_MARKS} combining marks (the ${MAX_MARKS + 1}th is character ${at + 1})`;
}

const UNSEEN_ALL = new RegExp(`[${UNSEEN}]`, "gu");
/** A character as Python's repr escapes it. */
function escaped(char) {
  const code = char.codePointAt(0);
  const hex = code.toString(16);
  return code <= 0xff ? `\\x${hex.padStart(2, "0")}` : code <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`;
}

/**
 * `text` as the page shows a credential's words: each UNSEEN character, and each combining mark beyond MAX_MARKS on
 * one letter, written out as Python's repr escapes it ("\\u202e"). A bidi override or a line separator in them
 * turned or hid the page's own words after them; a tower of marks was drawn over the verdict above them.
 */
export function visible(text) {
  const written = String(text).replace(UNSEEN_ALL, escaped);
  if (markTower(written) === null) return written;
  let out = "";
  let marks = 0;
  for (const char of written) {
    if (MARK.test(char)) {
      marks += 1;
      out += marks > MAX_MARKS ? escaped(char) : char; // every mark after the limit: none stacks on an escape
    } else {
      if (!CONTINUES.test(char)) marks = 0;
      out += char;
    }
  }
  return out;
}

// Python's whitespace (str.isspace, and \s in its re): what the page trims and matches wherever its result must
// equal Python's (a revocation reason, a typed email, key or link). JavaScript's trim() and \s differ (U+FEFF is
// theirs only; U+001C-U+001F and U+0085 are Python's only), and the same text then read differently on each side.
export const SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "g");

/** str.strip() of Python: `text` without Python's whitespace at either end. */
export function pyStrip(text) {
  return String(text).replace(EDGE_SPACE, "");
}

// Letters of other scripts drawn like a Latin letter: Python's _LOOKALIKE_CAPITALS and _LOOKALIKE_SMALL, character
// for character (capitals mapped before case folding, as there).
const lookalikes = (from, to) => new Map([...from].map((char, i) => [char, [...to][i]]));
const LOOKALIKE_CAPITALS = lookalikes(
  "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0405\u0406\u0408\u04c0\u051a\u051c" +
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7" +
    "\u0555\u054d",
  "abekmhopctyxsijlqwabezhikmnoptyxou",
);
const LOOKALIKE_SMALL = lookalikes(
  "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0455\u0456\u0458\u0501\u051b\u051d\u04bb\u04cf\u0475\u0131" +
    "\u03bf\u03bd\u03b9\u03c1\u03c5\u03b1" +
    "\u0585\u057d\u0578\u0570\u0566\u0581\u0251\u0261",
  "aeopcyxsijdqwhlviovipuaounhqgag",
);
const SPACE_RUN = new RegExp(`[${SPACE}]+`);

/**
 * Python's str.casefold() of one character. Upper then lower case, one character at a time (toLowerCase() of a
 * string ends a word's sigma as ς; case folding never does), is full case folding but for what case folding maps
 * elsewhere: Cherokee small letters to their capitals, and ẞ to "ss".
 */
function caseFold(char) {
  let out = "";
  for (const c of char.toUpperCase().toLowerCase()) {
    const code = c.codePointAt(0);
    if (code >= 0xab70 && code <= 0xabbf) out += String.fromCodePoint(code - 0xab70 + 0x13a0);
    else if (code >= 0x13f8 && code <= 0x13fd) out += String.fromCodePoint(code - 8);
    else out += c === "\u00df" ? "ss" : c;
  }
  return out;
}

// What a name shows as nothing (Unicode's Default_Ignorable_Code_Point, and the interlinear annotation characters
// browsers draw as nothing), and BRAILLE PATTERN BLANK, drawn as a space: Python's _IGNORED and _BLANKS.
const IGNORED =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/gu;
/** `text` without what shows as nothing: Python's drop_ignored. */
export const dropIgnored = (text) => String(text).replace(IGNORED, "");
const asSeen = (name) => dropIgnored(name).replaceAll("\u2800", " ");

/**
 * What a reader sees of a name (Python's lookalike_key, which says more): what shows as nothing left out, blanks
 * read as spaces, compatibility forms folded (NFKC), case ignored, runs of spaces collapsed, letters of other
 * scripts drawn like Latin ones read as those; accents stay.
 */
export function lookalikeKey(name) {
  let folded = "";
  for (const char of asSeen(name).normalize("NFKC")) folded += caseFold(LOOKALIKE_CAPITALS.get(char) ?? char);
  let key = "";
  for (const char of folded) key += LOOKALIKE_SMALL.get(char) ?? char;
  return key.split(SPACE_RUN).filter((word) => word !== "").join(" ");
}

/**
 * The keys under which two names read alike when any one is shared (Python's lookalike_keys, which says why):
 * lookalikeKey, and the same reading with case folded first (Cyrillic "НАУКА" and "Наука" share only that one).
 */
export function lookalikeKeys(name) {
  let cased = "";
  for (const char of asSeen(name)) cased += caseFold(char);
  let folded = "";
  for (const char of cased.normalize("NFKC")) folded += caseFold(char);
  let key = "";
  for (const char of folded) key += LOOKALIKE_SMALL.get(char) ?? char;
  const second = key.split(SPACE_RUN).filter((word) => word !== "").join(" ");
  return [...new Set([lookalikeKey(name), second])];
}

/** Python's sorted() of strings: by code point (ECMAScript's sort() compares UTF-16 units, and puts a key beyond
 * U+FFFF, a surrogate pair, before one from U+E000 to U+FFFF). */
export const byCodePoint = (a, b) => {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
  return x.length - y.length;
};

// What Python's str.isprintable() refuses (other than the space): repr escapes it.
const NOT_PRINTABLE = /[^\P{C}]|[^\P{Z} ]/u;

/**
 * repr() of Python for the JSON values a message quotes (a proof's type or cryptosuite: credreg verify writes
 * them so): 'text' (in double quotes when it holds a ' and no "), None, True, False, numbers as JSON writes them.
 */
export function pyRepr(value) {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : JSON.stringify(value);
  if (typeof value !== "string") return JSON.stringify(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = "";
  for (const c of value) {
    const code = c.codePointAt(0);
    if (c === "\\" || c === quote) out += `\\${c}`;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || NOT_PRINTABLE.test(c)) {
      const hex = code.toString(16);
      out += code <= 0xff ? `\\x${hex.padStart(2, "0")}` : code <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`;
    } else out += c;
  }
  return quote + out + quote;
}
