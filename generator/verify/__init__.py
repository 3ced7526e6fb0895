"""Verify stage: is this credential what its issuer signed, with a key it held, and is it still in force?

Use :func:`verify_credential` for a result object (truthy when valid) or :func:`verify_or_raise` to get a
:class:`generator.errors.VerificationError` that explains itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from generator.awards import award_hash
from generator.binding import BindingSource
from generator.errors import CredregError, VerificationError
from generator.openbadges import is_status_list
from generator.registry import Registry
from generator.verify.keys import ChainResolver, DidKeyResolver, KeyResolver, RegistryKeyResolver
from generator.verify.policies import Policy, ProofCache, VerificationContext, default_policies, name_words
from generator.verify.results import AWARD, Check, CheckStatus, Verdict, VerificationResult
from generator.verify.status import RegistryStatus, verify_status_list

__all__ = [
    "Check",
    "CheckStatus",
    "Verdict",
    "VerificationResult",
    "Verifier",
    "awarded_facts",
    "registry_resolver",
    "verify_credential",
    "verify_or_raise",
]


def registry_resolver(registry: Registry | None) -> KeyResolver:
    if registry is None:
        return DidKeyResolver()
    return ChainResolver(RegistryKeyResolver(registry), DidKeyResolver())


class Verifier:
    """Runs policies over credentials; reuse one instance to share key and status-list lookups."""

    def __init__(
        self,
        registry: Registry | None,
        *,
        policies: Sequence[Policy] | None = None,
        proof_cache: ProofCache | None = None,
        any_issuer: bool = False,
        profile: bool = False,
        bindings: BindingSource | None = None,
    ) -> None:
        self.registry = registry
        self.bindings = bindings
        self.policies = tuple(policies) if policies is not None else tuple(default_policies(profile=profile))
        self.keys = registry_resolver(registry)
        self.status = RegistryStatus(registry, self.keys) if registry is not None else None
        self.proof_cache = proof_cache
        self.any_issuer = any_issuer

    def verify(
        self,
        document: Any,
        *,
        now: dt.datetime | None = None,
        recipient: str | None = None,
        recipient_key: str | None = None,
    ) -> VerificationResult:
        if is_status_list(document):
            # An issuer's status list: checked as a list (what it is), not as an award whose checks it would fail.
            return verify_status_list(document, self.registry, self.keys, now=now)
        digest = None
        if isinstance(document, dict):
            try:
                digest = award_hash(document)
            except CredregError:
                digest = None
        ctx = VerificationContext(
            document=document,
            now=now or dt.datetime.now(dt.UTC),
            keys=self.keys,
            registry=self.registry,
            status=self.status,
            award_hash=digest,
            recipient=recipient,
            recipient_key=recipient_key,
            proof_cache=self.proof_cache,
            any_issuer=self.any_issuer,
            bindings=self.bindings,
        )
        checks = tuple(policy.check(ctx) for policy in self.policies)
        return VerificationResult(checks, digest, _facts(ctx, checks), AWARD)


def _text(value: Any) -> str | None:
    """A fact as it is shown: text, or nothing (a list or a number is no name and no date)."""
    return value if isinstance(value, str) else None


def awarded_facts(document: Any) -> dict[str, str | None]:
    """When it was awarded, by the rule the page shares (verifier.js ``awardedFacts``): an ``awardedDate`` equal to
    the credential's ``validFrom`` (as this registry writes every award, and its profile requires) is its award
    date, ``awarded``; any other is only its issuer's word, ``awarded_claim``, which no check reads (a credential
    from elsewhere may say it was awarded years before its key existed), so it is never shown as the date."""
    doc = document if isinstance(document, dict) else {}
    awarded, valid_from = _text(doc.get("awardedDate")), _text(doc.get("validFrom"))
    same = awarded is not None and awarded == valid_from
    return {"awarded": awarded if same else None, "awarded_claim": None if same else awarded}


def _facts(ctx: VerificationContext, checks: tuple[Check, ...]) -> dict[str, Any]:
    """What the credential says it is, read as the page reads it (verifier.js outcome): text only, and the
    achievement's name unless it is empty, then the credential's."""
    doc = ctx.document if isinstance(ctx.document, dict) else {}
    issuer = doc.get("issuer")
    facts: dict[str, Any] = {
        "issuer": ctx.issuer_id,
        "issuer_name": name_words(issuer.get("name")) if isinstance(issuer, dict) else None,
        "credential_name": name_words(ctx.achievement.get("name")) or name_words(doc.get("name")),
        "achievement": ctx.achievement.get("id"),
        "valid_from": _text(doc.get("validFrom")),
        **awarded_facts(doc),
        "valid_until": _text(doc.get("validUntil")),
    }
    facts["registry_name"] = facts["registry_credential_name"] = None
    if ctx.registry_issuer is not None and ctx.registry is not None:
        facts["registry_issuer"] = ctx.registry_issuer.id
        # The registry's name for a registered issuer, which is shown (verifier.js registryName): never the file's,
        # as anyone can write a registered issuer's DID and another name into a file.
        facts["registry_name"] = _text(ctx.expected_issuer(ctx.registry_issuer).get("name"))
        # Likewise the registry's name for the credential its achievement names (verifier.js
        # registryCredentialName): its issuer's own key may sign another name for it, which is its word only.
        ref = ctx.registry.credential_ref(doc)
        owner, _, slug = (ref or "").partition("/")
        if owner == ctx.registry_issuer.id and slug in ctx.registry_issuer.credentials:
            named = ctx.expected_achievement(ctx.registry_issuer, slug).get("name")
            facts["registry_credential_name"] = _text(named)
        # A link only to what the verification page can look up: an award this registry holds (as the page's
        # verifyUrl). A file that is not the registry's award has none: its link led nowhere.
        registered = any(c.id == "registered" and c.passed for c in checks)
        if ctx.award_hash and registered:
            facts["verify_url"] = ctx.registry.verify_url(ctx.award_hash)
    return facts


def verify_credential(
    document: Any,
    registry: Registry | None,
    *,
    now: dt.datetime | None = None,
    recipient: str | None = None,
    recipient_key: str | None = None,
    any_issuer: bool = False,
    bindings: BindingSource | None = None,
) -> VerificationResult:
    """Every check of :func:`default_policies` on one credential (``recipient_key``: the earner's secret key,
    to confirm ``recipient`` against this registry's keyed hashes; ``bindings``: who defines what, from the
    registry's published statements rather than its data, :mod:`generator.binding`). A status list gets its own
    checks instead (:func:`generator.verify.status.verify_status_list`)."""
    return Verifier(registry, any_issuer=any_issuer, bindings=bindings).verify(
        document, now=now, recipient=recipient, recipient_key=recipient_key
    )


def verify_or_raise(document: Any, registry: Registry | None, **kwargs: Any) -> VerificationResult:
    """Like :func:`verify_credential`, but raises :class:`VerificationError` unless the result is valid."""
    result = verify_credential(document, registry, **kwargs)
    if not result:
        failed = [c for c in result.checks if c.blocks]
        raise VerificationError(
            f"the credential is {result.verdict}", [f"{c.label}: {c.status} — {c.reason}" for c in failed]
        )
    return result
