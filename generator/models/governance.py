"""``registry/governance.yaml``: who runs the registry, where it is published, and how changes are reviewed."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import unquote, urlsplit

from pydantic import AfterValidator, Field, field_validator, model_validator

from generator.models._base import (
    URL_PORT,
    GitHubHandle,
    HttpsUrl,
    Markdown,
    PlainText,
    StrictModel,
    no_refused_reference,
    page_url,
    require_unique,
)

__all__ = ["Governance", "ReviewRules", "TransparencyLog", "Witness"]


class ReviewRules(StrictModel):
    """Review rules the pull-request check applies on top of file ownership.

    Ownership itself is fixed: changes under ``registry/issuers/<issuer>/`` and ``keys/<issuer>/`` need a
    maintainer of that issuer or of the registry; every other path needs a registry maintainer.
    """

    required_approvals: int = Field(default=1, ge=0, le=10)
    """Approvals from code owners a pull request needs before it merges (enforced by branch protection; the
    check's summary states it)."""

    new_issuer_requires_registry_maintainer: bool = True
    """Adding an issuer needs a registry maintainer, even when the issuer's own maintainers propose it."""

    new_key_requires_registry_maintainer: bool = True
    """Adding a signing key needs a registry maintainer: a key decides whose signatures the registry trusts."""

    award_backdating_days: int = Field(default=30, ge=0, le=3650)
    """A new award's proof may be dated at most this many days before the check runs. Limits what a stolen,
    since-revoked key can still add by backdating its signatures."""


class Witness(StrictModel):
    """A witness of the transparency log: it cosigns checkpoints it found consistent with the last it saw."""

    name: PlainText
    """Who runs it (shown next to its cosignature)."""

    vkey: str = Field(pattern=r"^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\Z")
    """Its C2SP cosigner verifier key, ``<key name>+<key id>+<base64(0x04 || Ed25519 public key)>``."""

    @field_validator("vkey")
    @classmethod
    def _cosigner_vkey(cls, value: str) -> str:
        return _vkey(value, 0x04)


class Handover(StrictModel):
    """The witnesses and quorum the log is to be handed over to (generator/transparency/handover.py): announced in the
    log first, taken up by monitors only once the current witnesses cosigned a checkpoint holding the announcement."""

    witnesses: list[Witness]
    """The next witnesses."""

    quorum: int = Field(ge=1)
    """How many of them must cosign: at least one (no witness is never a hand-over: the log key alone would vouch)."""


class TransparencyLog(StrictModel):
    """The registry's public transparency log (served under ``log/``): its key, and who witnesses it."""

    vkey: str = Field(pattern=r"^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\Z")
    """The log's C2SP signed-note verifier key, ``<origin>+<key id>+<base64(0x01 || Ed25519 public key)>``. The
    key name is the log's origin: the site URL without its scheme, followed by ``log``. The private half is
    held like an issuer's key, outside the repository (a CI secret)."""

    witnesses: list[Witness] = []
    """Witnesses whose cosignatures count towards the quorum."""

    quorum: int = Field(default=0, ge=0)
    """How many listed witnesses must have cosigned a checkpoint for verifiers to accept it."""

    handover: Handover | None = None
    """The witnesses and quorum to hand the log over to (docs/transparency-log-operators.md, "Replacing a
    witness"): setting it logs a ``witnesses-announced`` entry; once the current witnesses cosigned a checkpoint
    holding it, ``witnesses`` and ``quorum`` become these and this field goes."""

    @field_validator("vkey")
    @classmethod
    def _log_vkey(cls, value: str) -> str:
        return _vkey(value, 0x01)

    @model_validator(mode="after")
    def _quorum_reachable(self) -> TransparencyLog:
        _witness_set(self.vkey, self.witnesses, self.quorum, "")
        if self.handover is not None:
            _witness_set(self.vkey, self.handover.witnesses, self.handover.quorum, "handover: ")
        return self


def _witness_set(log_vkey: str, witnesses: list[Witness], quorum: int, where: str) -> None:
    if quorum > len(witnesses):
        raise ValueError(f"{where}quorum {quorum} is more than the {len(witnesses)} listed witnesses")
    keys = [w.vkey for w in witnesses]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{where}a witness is listed twice")
    # A quorum counts keys, not names: a cosignature signs the checkpoint and its time, never the witness's
    # name, so whoever holds the log's key copies one cosignature under every name its key is listed with.
    from generator.tlog.note import parse_vkey

    log_public = parse_vkey(log_vkey).public
    seen: dict[bytes, int] = {}
    for n, witness in enumerate(witnesses):
        public = parse_vkey(witness.vkey).public
        if public == log_public:
            raise ValueError(
                f"{where}witness {n} holds the log's own key: the log's key holder would cosign its checkpoints"
            )
        if public in seen:
            raise ValueError(
                f"{where}witnesses {seen[public]} and {n} are one key under two names: a quorum counts keys"
            )
        seen[public] = n


def _vkey(value: str, sig_type: int) -> str:
    from generator.tlog.note import NoteError, parse_vkey

    try:
        verifier = parse_vkey(value)
    except NoteError as exc:
        raise ValueError(str(exc)) from None
    if verifier.sig_type != sig_type:
        raise ValueError(f"expected a key of signature type 0x{sig_type:02x}, not 0x{verifier.sig_type:02x}")
    return value


#: A host as a Content-Security-Policy source names it (CSP 3 ``host-source``: letters, digits and hyphens, in
#: labels separated by dots); the verification data's origin is written into every page's ``connect-src``.
_CSP_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


_ODD_SEGMENT = "its path may not hold an empty, '.' or '..' segment (written or percent-escaped)"


def _odd_segment(path: str) -> bool:
    """Whether a URL path (``/a/b/``) has a segment that readers resolve differently: empty, or a dot segment as
    written or percent-escaped. The one rule of ``site_url`` and ``verification_data_url``."""
    return any(not s or unquote(s) in (".", "..") for s in path.split("/")[1:-1])


class Governance(StrictModel):
    """The registry itself: its name, its public address and its maintainers."""

    name: Annotated[PlainText, AfterValidator(no_refused_reference)]
    """Name of the registry, shown in the site header and in feeds, and written into the Markdown comment of each
    binding statement it signs (:func:`generator.statements.binding_statement`): held to the reference rule."""

    description: Markdown
    """What the registry is and for whom (Markdown), shown on the home page."""

    site_url: HttpsUrl
    """Public address of the site, ending in ``/``, its host in lowercase, no empty, ``.`` or ``..`` folder in its
    path, nor a percent-escape. Decides every URL and every issuer's ``did:web`` identifier: changing it changes
    the identity of issuers whose awards are already signed."""

    repository: HttpsUrl | None = None
    """Where the registry's Git repository lives (for "edit this page" and contribution links)."""

    maintainers: list[GitHubHandle] = Field(min_length=1)
    """GitHub handles of the registry maintainers. They may change anything and must approve new issuers and
    new keys."""

    review: ReviewRules = ReviewRules()
    """Review rules for pull requests."""

    log: TransparencyLog | None = None
    """The public transparency log of every award, revocation, key change and credential definition version
    (absent: the registry publishes no log)."""

    registry_key: str | None = Field(default=None, pattern=r"^z6Mk[1-9A-HJ-NP-Za-km-z]{44}\Z")
    """The registry's own Ed25519 Multikey (public half). With it, the build signs (private half in
    ``$CREDREG_REGISTRY_KEY``) one statement per credential binding its Achievement id to the issuer that defines
    it, published with the registry's did:web (see generator/statements.py). Without it, ``make site`` signs demo
    statements with a throwaway key, labelled as such."""

    verification_data_url: Annotated[str, URL_PORT] | None = Field(default=None, max_length=2048)
    """Where the bulk of the verification data (shards, templates, achievements) is published, ending in
    ``/``: an object store behind a CDN, for a registry too large for its static host (docs/hosting.md). The
    build writes that data to a separate folder to upload there; absent, it is on the site under ``verify/``.
    ``https``, or ``http`` on the loopback address to try it locally."""

    @field_validator("verification_data_url")
    @classmethod
    def _data_url_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        page_url(value)
        parts = urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
        if not (parts.scheme == "https" or local) or not parts.hostname:
            raise ValueError("must be an https URL (or http on 127.0.0.1 or localhost, for trying it locally)")
        if not value.endswith("/"):
            raise ValueError("must end with '/' (e.g. https://data.credentials.example.org/verify/)")
        if _odd_segment(parts.path):
            # Two readers of one address: the page's URL parser drops a dot segment ('%2e' too) and keeps '//',
            # credreg verify (log.py LogSource) makes trailing slashes one and sends dots as written. On an object
            # store each is another key, so the two read different files: the address must have one reading.
            raise ValueError(_ODD_SEGMENT)
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("must not have a query, a fragment or credentials")
        if not _CSP_HOST.fullmatch(parts.hostname):
            # Chromium drops a source it cannot parse from the policy ("contains an invalid source"): every page
            # would refuse to fetch the data, and the build would not say so.
            raise ValueError(
                "its host goes into every page's Content-Security-Policy, which names a host only by letters, "
                "digits, hyphens and dots (no '_', no IPv6 address): give a host name of that shape"
            )
        return value

    @field_validator("site_url")
    @classmethod
    def _site_url_shape(cls, value: str) -> str:
        page_url(value)
        parts = urlsplit(value)
        if _odd_segment(parts.path):
            # Its path segments are every did:web's (registry.did_web_for): a resolver, as a browser, removes a dot
            # segment ('%2e' too) before fetching, so 'https://host/reg/../' made DIDs whose documents are another
            # site's, at https://host/issuers/…; an empty one ('//') is dropped from the DID but not from the pages.
            raise ValueError(_ODD_SEGMENT)
        if "%" in parts.path:
            # Every did:web holds its segments escaped (registry.did_web_for), so an escape is escaped again:
            # 'https://host/my%20reg/' made did:web:host:my%2520reg:…, which resolvers (who decode nothing but a
            # port's colon) fetch from https://host/my%2520reg/…, a folder named 'my%20reg', not the site's.
            raise ValueError(
                "its path may not hold a percent-escape ('%20'): every issuer's did:web would name another folder "
                "(did:web:host:my%2520reg:…); publish the site under a folder whose name needs none"
            )
        if not value.endswith("/"):
            raise ValueError("must end with '/' (e.g. https://credentials.example.org/)")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        if parts.username or parts.password:
            raise ValueError("must not contain credentials")
        if parts.netloc != parts.netloc.lower():
            # Its host is in every default did:web (registry.did_web_for), compared as written: a body's own
            # did:web must name its host in lowercase (_base._one_spelling), so an uppercase one here let a body
            # declare, in the one spelling, the DID every resolver reads as another's default one.
            raise ValueError("write its host in lowercase (https://credentials.example.org/)")
        return value

    @field_validator("repository")
    @classmethod
    def _repository_shape(cls, value: str | None) -> str | None:
        return None if value is None else page_url(value)

    @field_validator("maintainers")
    @classmethod
    def _unique_maintainers(cls, value: list[str]) -> list[str]:
        return require_unique(value, casefold=True)
