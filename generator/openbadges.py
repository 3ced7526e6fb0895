"""Open Badges 3.0 / VC 2.0 shapes built from registry data.

One place builds the ``Achievement`` a definition becomes, the issuer ``Profile``, the hashed recipient
``IdentityObject`` and the award itself, so the credential page's machine-readable achievement and the
achievement inside every award can never drift apart.

Recipients (see docs/privacy.md): the award holds ``identityHash = sha256(email + recipient key)``, where the
recipient key is 128 random bits that are never published (OB 3.0 lets ``salt`` be absent). Without the key, a
guessed address cannot be confirmed against anything the registry publishes. The earner receives the key in
their private verification link, ``…/verify/#<award hash>~<key>`` (a fragment never reaches a server).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
import urllib.parse
from typing import Any

from generator._internal.text import drop_ignored
from generator.models import CredentialDefinition, Issuer
from generator.models.award import AWARD_CONTEXT, READ_AS
from generator.models.issuer import FormerProfile
from generator.registry import Registry

__all__ = [
    "AWARD_CONTEXT",
    "AWARD_TYPES",
    "NOT_UTF8_KEY",
    "OB3_CONTEXT_URL",
    "RECIPIENT_KEY_BYTES",
    "VC2_CONTEXT_URL",
    "achievement",
    "earner_link",
    "identifier_forms",
    "identity_hash",
    "is_status_list",
    "issuer_profile",
    "mailbox",
    "new_recipient_key",
    "normalize_identifier",
    "normalize_recipient_key",
    "parse_verification_link",
    "timestamp",
    "unsigned_award",
]

VC2_CONTEXT_URL, OB3_CONTEXT_URL = AWARD_CONTEXT
AWARD_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
STATUS_LIST_TYPES = ("VerifiableCredential", "BitstringStatusListCredential")


def is_status_list(document: Any) -> bool:
    """Whether a credential is a status list: what a file is, for the words of its verdict (statuslist.js
    isStatusList is the page's copy); it is verified as what it claims to be either way."""
    types = document.get("type") if isinstance(document, dict) else None
    return isinstance(types, list) and STATUS_LIST_TYPES[1] in types


#: An address: no space and no control character (C0, DEL, C1) anywhere; one stray in a cohort file would bind the
#: award to an address nobody can type. ``policies.js`` (``EMAIL``) is the page's copy.
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+\.[^@\s\x00-\x1f\x7f-\x9f]+\Z")

#: Entropy of a recipient key: 128 bits, written as 32 lowercase hex digits (case-proof when retyped).
RECIPIENT_KEY_BYTES = 16
#: Separates the award hash from the recipient key in a verification link's fragment.
LINK_KEY_SEPARATOR = "~"
_HEX_KEY = re.compile(r"^[0-9a-fA-F]+\Z")
_LINK = re.compile(r"(?:^|[#/:=\s])([0-9a-fA-F]{64})(?:~([^\s~#/?&]*))?\s*\Z")


def timestamp(value: dt.datetime) -> str:
    """XML Schema dateTime in UTC with second precision, as VC 2.0 examples write it."""
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    # isoformat, not strftime: "%Y" writes year 999 as "999", no date-time
    return value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def normalize_identifier(email: str) -> str:
    """The form of an email address that is hashed: trimmed, lowercased and in Unicode's composed form (NFC).

    Verifiers (this CLI and the site) normalize the same way, so ``Ada@Example.org `` matches, and so does "josé"
    however its accent is written (one code point, or ``e`` and a combining accent as macOS and some exports write
    it). What no one can type, or a mailer reads as another address, is refused (:func:`_typable`, the rule of
    verification too), and so is a domain in its ASCII form (``xn--``), written as no earner types it.
    """
    value = _typable(email)
    if _A_LABEL.search(value.rsplit("@", 1)[1]):
        raise ValueError(
            f"{quoted_without_key(email)} is not an email address to award to: its domain is written in its "
            "ASCII form (xn--…); write it as the earner types it (bücher.de, not xn--bcher-kva.de)"
        )
    return unicodedata.normalize("NFC", value.lower())


#: Categories of what no one types in an address: format characters (zero-width space and joiners, soft hyphen,
#: word joiner, bidi controls, byte order mark, tag characters…), surrogates, private use and unassigned code
#: points. ``Cf`` and ``Cn`` together hold the class whatever Unicode version each side has: a format character
#: of a newer Unicode is unassigned in an older one, and refused there too (policies.js ``UNTYPABLE``).
_UNTYPABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
#: Drawn as nothing or as a blank, though not Cf: the rest of Default_Ignorable_Code_Point (variation selectors,
#: Hangul fillers, the combining grapheme joiner: text.drop_ignored's set), BRAILLE PATTERN BLANK, and U+FFFD,
#: what a decoder writes for bytes it could not read.
_UNTYPABLE_OTHERS = frozenset("\u2800\ufffd")
#: The full stops IDNA reads as ``.`` between a domain's labels (ideographic, fullwidth, halfwidth ideographic; one
#: dot leader and small full stop, ``.`` to NFKC): a mailer delivers ``ada@mail.example。org`` to
#: ``ada@mail.example.org``, the hash does not (policies.js).
_IDNA_DOTS = re.compile("[\u3002\uff0e\uff61\u2024\ufe52]")
#: An IDNA A-label (``xn--``): the domain as DNS carries it, not as its earner types it.
_A_LABEL = re.compile(r"(?:^|\.)xn--", re.IGNORECASE)


#: Lowercased by context (Final_Sigma: ``ς`` after a cased letter and before none), and whether a letter is cased
#: changes between Unicode versions (U+0295 is in Python's 14, not in V8's 17): ``ʕΣ`` was ``ʕς`` to credreg and
#: ``ʕσ`` to the page. Every other lowercasing is one character's own (policies.js ``CAPITAL_SIGMA``).
_CAPITAL_SIGMA = "\u03a3"


def _domain_problem(value: str) -> str | None:
    """Why the domain of ``value`` (an address of :data:`_EMAIL`'s shape) is not the domain a mailer delivers to, in
    words (``None`` when it is): an empty label, labels parted by what IDNA reads as a full stop, or a compatibility
    form IDNA reads as another character (NFKC: fullwidth letters and ``＠``, ``․`` and ``﹒``, ligatures, circled
    letters), whose mailbox is the plain spelling's and whose hash is not (policies.js ``domainProblem``)."""
    at = value.rindex("@")
    domain = value[at + 1 :]
    if "" in domain.split("."):
        return "its domain has an empty label (a dot at its end, at its start or two in a row)"
    if _IDNA_DOTS.search(domain):
        return "its domain's labels are not parted by ASCII full stops: write each as '.'"
    for offset, char in enumerate(domain):
        read = unicodedata.normalize("NFKC", char)
        if read != unicodedata.normalize("NFC", char):
            return (
                f"its domain holds U+{ord(char):04X} (character {at + 2 + offset}), which a mailer reads as "
                f"'{read}': write '{read}'"
            )
    return None


def _untypable(value: str) -> str | None:
    """Why an address holds what nobody can type, in words (``None`` when it holds none): the first such code
    point, named U+XXXX and counted in code points as the page counts them (policies.js ``untypable``)."""
    for at, char in enumerate(value):
        category = unicodedata.category(char)
        if category in _UNTYPABLE_CATEGORIES or char in _UNTYPABLE_OTHERS or not drop_ignored(char):
            what = "a code point this Unicode version does not know" if category == "Cn" else "an invisible character"
            return f"it holds {what}, U+{ord(char):04X} (character {at + 1}), which nobody can type"
    return None


def _typable(email: str) -> str:
    """``email`` trimmed, when it is an address someone can type (the rules of issuance and verification alike):
    :data:`_EMAIL`'s shape, nothing invisible (:func:`_untypable`), no capital sigma (:data:`_CAPITAL_SIGMA`), and
    the domain a mailer delivers to as written (:func:`_domain_problem`: ``example.org.`` is ``example.org`` to DNS
    but another string to the hash). Else a ValueError that says why (policies.js ``identifierProblem``).

    Refused, not stripped, on both sides: dropping a zero-width space would make two different strings one
    identity, and the page's verdict "awarded to ada@example.org" would then confirm a string that is not what was
    shown. An award bound to such an address cannot be confirmed by typing it anyway; its issuer reissues it."""
    value = email.strip()
    if not _EMAIL.match(value) or not _utf8(value):
        raise ValueError(f"{quoted_without_key(email)} is not an email address")
    problem = _untypable(value)
    if problem is None and _CAPITAL_SIGMA in value:
        at = value.index(_CAPITAL_SIGMA) + 1
        problem = (
            f"it holds a capital sigma, U+03A3 (character {at}), whose small letter (σ or ς) depends on the letters "
            "around it: write it small, as the address has it"
        )
    if problem is None:
        problem = _domain_problem(value)
    if problem is not None:
        raise ValueError(f"{quoted_without_key(email)} is not an email address: {problem}")
    return value


def identifier_forms(email: str) -> tuple[str, ...]:
    """The forms of a typed address an award's hash is compared with: :func:`normalize_identifier`'s, and for an
    award hashed before addresses were composed (NFC), the lowercased address as typed (policies.js
    ``identifierForms``). Both are one person's address: a second form confirms nobody else."""
    legacy = _typable(email).lower()
    # Not normalize_identifier's A-label rule: an award hashed before it from ``ada@xn--bcher-kva.de`` still
    # confirms with that address as typed (it is compared as it is, and only as it is).
    value = unicodedata.normalize("NFC", legacy)
    return (value,) if legacy == value else (value, legacy)


def _visible(text: str) -> str:
    """``text`` without what shows as nothing: format characters (Cf) and the rest of what text.drop_ignored drops.
    Not Cn: a code point this Unicode does not know may be a newer one's letter, which shows (dropping it made
    ada\U0001e4d0@example.org another spelling of ada@example.org). ASCII holds none (the leak check's common case,
    read a million times in a large file)."""
    if text.isascii():
        return text
    return "".join(char for char in drop_ignored(text) if unicodedata.category(char) != "Cf")


def _u_label(label: str) -> str:
    """A domain's label as its earner types it: an A-label (``xn--``) decoded as IDNA 2008 decodes it, any other as
    it is. Not Python's "idna" codec: it is IDNA 2003's, which maps ß to ss and ς to σ and drops the joiners, so it
    refused ``xn--strae-oqa`` (straße). An A-label must decode to a label punycode writes back as it is, holding
    what is not ASCII; anything else is no A-label and stays (normalize_identifier refuses it)."""
    if label[:4].lower() != "xn--" or not label.isascii():
        return label
    code = label[4:].lower()
    try:
        decoded = code.encode("ascii").decode("punycode")
    except UnicodeError:
        return label
    if decoded.isascii() or decoded.encode("punycode").decode("ascii") != code:
        return label
    return decoded


_SPACE = re.compile(r"\s")
#: A quoted local part whose content needs no quotes (RFC 5322 3.2.4: the quotes are semantically invisible, so
#: ``"ada"`` is ``ada``): an atom's characters and dots, no backslash, no quote, no space.
_QUOTED_ATOM = re.compile(r'"([^"\\\s@]+)"')


def mailbox(text: str) -> str | None:
    """The mailbox ``text`` names, in the form awards hash it (:func:`normalize_identifier`'s), or ``None`` when it
    names none: the one reading of "the same mailbox" (the earlier holders' warning, the leak check's addresses).

    What normalize_identifier accepts is read as it reads it. What it refuses only for being spelled as no earner
    types it is read as a mailer delivering to it reads it: what shows as nothing dropped (a zero-width space, a
    soft hyphen), the domain's compatibility forms and IDNA full stops read as IDNA reads them (``ｐ`` is ``p``,
    ``。`` is ``.``, ``Σ`` is ``σ`` wherever it stands), the root's dot dropped and an A-label decoded (IDNA
    2008: ``xn--strae-oqa`` is ``straße``). A quoted local part that needs no quotes is its content. An award is
    never hashed from this reading (:func:`_typable`'s refusals stand); a record or a published list written so
    still names the mailbox."""
    # What _EMAIL refuses whatever the reading (no at sign, a space, an ASCII domain with no dot), told first: the
    # leak check asks this of every cell holding an at sign, and most are no address.
    value = text.strip()
    if "@" not in value or _SPACE.search(value):
        return None
    local, _, domain = _visible(value).rpartition("@")
    if domain.isascii() and "." not in domain:
        return None
    quoted = _QUOTED_ATOM.fullmatch(local)
    local = quoted[1] if quoted else local
    domain = _IDNA_DOTS.sub(".", unicodedata.normalize("NFKC", domain)).removesuffix(".")
    labels = ".".join(map(_u_label, domain.split(".")))
    domain = _visible(labels).replace(_CAPITAL_SIGMA, "\u03c3")
    try:
        return normalize_identifier(local + "@" + domain)
    except ValueError:
        return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 salted identity hash: ``sha256$`` + hex(sha256(identifier + salt)); here the salt is the secret
    recipient key."""
    digest = hashlib.sha256((normalize_identifier(email) + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def new_recipient_key() -> str:
    """A fresh secret recipient key: 128 bits from the OS, 32 hex digits."""
    return secrets.token_hex(RECIPIENT_KEY_BYTES)


#: Why a typed recipient key is refused: it holds a lone surrogate, no text to hash (policies.js says it alike).
NOT_UTF8_KEY = "the recipient key given is not UTF-8 text, so no recipient key (not shown: it is secret)"


def normalize_recipient_key(key: str) -> str:
    """A recipient key as typed: trimmed; hex keys (the ones this registry makes) lowercased, so a retyped key
    still matches. The site applies the same rule (policies.js)."""
    value = key.strip()
    if not _utf8(value):  # an argument that is not UTF-8: no key this registry makes, and nothing to hash
        # Not quoted: it may be a real key with a stray byte, and the reason goes into output that is kept (a
        # CI job's log, --format json), where the key would confirm its earner's address.
        raise ValueError(NOT_UTF8_KEY)
    return value.lower() if _HEX_KEY.match(value) else value


def earner_link(verify_url: str, key: str) -> str:
    """The earner's private verification link: the public one with the recipient key in its fragment."""
    return f"{verify_url}{LINK_KEY_SEPARATOR}{key}"


def parse_verification_link(text: str) -> tuple[str, str | None] | None:
    """(award hash, recipient key or None) of a hash or a verification link (``…#<hash>[~<key>]``), else None.

    The site parses links the same way (verifier.js ``parseLinkInput``)."""
    found = _LINK.search(urllib.parse.unquote(text).strip())
    if not found:
        return None
    try:
        key = normalize_recipient_key(found.group(2)) if found.group(2) else None
    except ValueError:  # text that is not UTF-8 after the '~': no link this registry makes
        return None
    return found.group(1).lower(), key


#: What may stand for a link's "~" before its recipient key, in the link decoded once as it is read: "~", what is
#: read as one (models/award.py READ_AS: the pull-request check refuses a published link so spelt) and "%7e" (a
#: link escaped twice). verifier.js ``KEY_SEPARATOR`` is the page's copy, held equal by tests/site/test_verify_js.py.
_KEY_SEPARATOR = re.compile("|".join(["~", "%7e", *READ_AS["~"]]), re.IGNORECASE)


def before_key(text: str) -> str | None:
    """The part of ``text`` (a link as given) before what may be an earner's recipient key, decoded as a link is
    read; None when nothing in it may be one. What an error may quote, or the page's address may keep, of a link
    that cannot be read: cut as written, an escaped look-alike ("%EF%BD%9E") kept the key after it."""
    decoded = urllib.parse.unquote(text)
    found = _KEY_SEPARATOR.search(decoded)
    return None if found is None else decoded[: found.start()]


#: A recipient key on its own: its hex digits, and no more on either side (a hash cut short, a typo, is still quoted).
_KEY_DIGITS = re.compile(f"(?<![0-9a-fA-F])[0-9a-fA-F]{{{2 * RECIPIENT_KEY_BYTES}}}(?![0-9a-fA-F])")


def quoted_without_key(text: str) -> str:
    """``text``, input that could not be read (a link, an email address), as a message may quote it: not past
    where a recipient key may begin (:func:`before_key`), and not at all when it holds a key on its own.
    A message lands in a terminal's scrollback, --format json and a CI job's log, where a key confirms its earner's
    address; and a key or link given in the wrong place is likely (the lines of `-` in another order)."""
    public = before_key(text)
    shown = text if public is None else public
    if _KEY_DIGITS.search(shown):
        return "the text given (not shown: it may hold a recipient key)"
    return repr(text) if public is None else f"{public!r}… (the rest, which may hold a recipient key, not shown)"


def issuer_profile(registry: Registry, issuer: Issuer, former: FormerProfile | None = None) -> dict[str, Any]:
    """The issuer as an OB 3.0 ``Profile``; with ``former`` (one of its ``former_profiles``), as it was then: the
    name, url, email and logo are that entry's, the identity (id, type) is the issuer's, which never changes."""
    fields: Issuer | FormerProfile = issuer if former is None else former
    profile: dict[str, Any] = {
        "id": registry.issuer_did(issuer.id),
        "type": ["Profile"],
        "name": fields.name,
        "url": fields.url,
        "email": fields.email,
    }
    if fields.logo:
        profile["image"] = {"id": _asset_url(registry, issuer.id, fields.logo), "type": "Image"}
    return profile


def _asset_url(registry: Registry, issuer_id: str, value: str) -> str:
    return value if value.startswith("https://") else registry.url(f"issuers/{issuer_id}/{value}")


def skill_anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def achievement(registry: Registry, issuer: Issuer, definition: CredentialDefinition) -> dict[str, Any]:
    """The OB 3.0 ``Achievement`` a credential definition becomes (``id`` = its page on the site)."""
    page = registry.credential_url(issuer.id, definition.id)
    result: dict[str, Any] = {
        "id": page,
        "type": ["Achievement"],
        "achievementType": definition.achievement_type.value,
        "name": definition.name,
        "description": definition.description.strip(),
        "criteria": {"id": f"{page}#criteria", "narrative": definition.criteria.narrative.strip()},
        "creator": issuer_profile(registry, issuer),
        "inLanguage": definition.languages[0],
        "version": definition.version,
    }
    if definition.image:
        result["image"] = {"id": _asset_url(registry, issuer.id, definition.image), "type": "Image"}
    alignments = []
    for skill in definition.skills:
        # OB 3.0 requires targetUrl; a skill without a framework URL points at its entry in our skills index.
        target = skill.alignment.url if skill.alignment and skill.alignment.url else None
        alignment: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": skill.name,
            "targetUrl": target or registry.url(f"skills/#{skill_anchor(skill.name)}"),
            "targetType": "ceasn:Competency",
        }
        if skill.alignment:
            alignment["targetFramework"] = skill.alignment.framework.value
            alignment["targetCode"] = skill.alignment.code
        alignments.append(alignment)
    result["alignment"] = alignments
    if definition.tags:
        result["tag"] = list(definition.tags)
    if definition.effort.ects is not None:
        result["creditsAvailable"] = definition.effort.ects
    return result


def unsigned_award(
    registry: Registry,
    issuer: Issuer,
    definition: CredentialDefinition,
    *,
    award_id: str,
    recipient_email: str,
    recipient_key: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
    evidence: list[str],
    status_list: int,
    status_index: int,
) -> dict[str, Any]:
    """An ``OpenBadgeCredential`` ready to be signed. The recipient appears only as a hash keyed with the secret
    ``recipient_key``, which the award does not contain."""
    status_url = registry.status_list_url(issuer.id, status_list)
    award: dict[str, Any] = {
        "@context": list(AWARD_CONTEXT),
        "id": award_id,
        "type": list(AWARD_TYPES),
        "name": definition.name,
        "issuer": issuer_profile(registry, issuer),
        "validFrom": timestamp(valid_from),
    }
    if valid_until is not None:
        award["validUntil"] = timestamp(valid_until)
    award["awardedDate"] = timestamp(valid_from)
    award["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": identity_hash(recipient_email, recipient_key),
                "identityType": "emailAddress",
            }
        ],
        "achievement": achievement(registry, issuer, definition),
    }
    if evidence:
        award["evidence"] = [{"id": url, "type": ["Evidence"]} for url in evidence]
    award["credentialStatus"] = {
        "id": f"{status_url}#{status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(status_index),
        "statusListCredential": status_url,
    }
    return award
