"""Figure 6: RDFC-1.0 signing and verifying per core (processed contexts reused), against stock pyld's
``normalize`` of the same documents, with the N-Quads checked byte for byte against stock pyld."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from pyld import jsonld

from benchmarks._common import Figure, Workspace, median
from generator.crypto import ContextStore, ed25519
from generator.crypto.dataintegrity import create_proof, verify_proof
from generator.crypto.rdfc import canonize
from generator.load import load_registry
from generator.models import LifecycleStatus
from generator.openbadges import unsigned_award

GOAL = 5.0


def distinct_awards(ws: Workspace, count: int, registry_awards: int) -> list[dict[str, Any]]:
    """Unsigned awards of the demo registry's credentials, every one new (id, recipient and its key, date, slot)."""
    made = ws.registry("medium", issuers=40, credentials=400, awards=registry_awards)
    registry = load_registry(made.root).registry
    assert registry is not None
    rng = random.Random(8785)
    refs = [
        (record, credential.model)
        for record in registry.issuers.values()
        for credential in record.credentials.values()
        if credential.model.status is not LifecycleStatus.RETIRED
    ]
    awards = []
    for i in range(count):
        record, definition = rng.choice(refs)
        at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(500_000))
        awards.append(
            unsigned_award(
                registry,
                record.issuer,
                definition,
                award_id=f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                recipient_email=f"person{i}@example.org",
                recipient_key=f"{rng.getrandbits(128):032x}",
                valid_from=at,
                valid_until=None,
                evidence=[],
                status_list=1,
                status_index=rng.randrange(131_072),
            )
        )
    return awards


_SEED = ed25519.generate_seed()
_METHOD = "did:web:demo-credentials.example.org:issuers:bench#key-1"


def _sign(doc: dict[str, Any]) -> dict[str, Any]:
    # Each award signed on its own (its own creation time): nothing of the proof configuration is shared.
    proof = create_proof(
        doc, cryptosuite="eddsa-rdfc-2022", seed=_SEED, verification_method=_METHOD, created=doc["validFrom"]
    )
    return {**doc, "proof": proof}


def _sign_all(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_sign(doc) for doc in docs]


def _rate(fn: Callable[[dict[str, Any]], object], docs: list[dict[str, Any]]) -> float:
    start = time.process_time()
    for doc in docs:
        fn(doc)
    return len(docs) / (time.process_time() - start)


def measure(
    ws: Workspace, *, registry_awards: int, rounds: int = 15, stock_per_round: int = 8, fast_per_round: int = 40
) -> Figure:
    ws.log("rdfc: RDFC-1.0 sign and verify per core vs stock pyld normalize (interleaved rounds, CPU time)")
    store = ContextStore.bundled()
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": store.load}

    def stock(doc: dict[str, Any]) -> str:
        result: str = jsonld.normalize(doc, options)
        return result

    per_round = stock_per_round + 2 * fast_per_round  # stock, sign, and verify each get documents of their own
    docs = distinct_awards(ws, rounds * per_round + 60, registry_awards)
    identical_docs = docs[-60:]
    mismatches = [i for i, doc in enumerate(identical_docs) if canonize(doc) != stock(doc)]
    corpus = _test_corpus_identity(stock)

    # The documents to verify are signed in another process, so that verifying them here reuses nothing of
    # their own (only what any award shares with others: processed contexts, the credential's achievement).
    to_verify = [docs[r * per_round + stock_per_round + fast_per_round : (r + 1) * per_round] for r in range(rounds)]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        signed_batches = pool.map(_sign_all, to_verify)
    public = ed25519.public_from_seed(_SEED)

    def sign(doc: dict[str, Any]) -> None:
        _sign(doc)

    def verify(document: dict[str, Any]) -> None:
        assert verify_proof(document, document["proof"], public)

    stock_rates, sign_rates, verify_rates, ratios = [], [], [], []
    for r in range(rounds):
        batch = docs[r * per_round : (r + 1) * per_round]
        slow, fast = batch[:stock_per_round], batch[stock_per_round : stock_per_round + fast_per_round]
        stock_rates.append(_rate(stock, slow))
        sign_rates.append(_rate(sign, fast))
        verify_rates.append(_rate(verify, signed_batches[r]))
        ratios.append(min(sign_rates[-1], verify_rates[-1]) / stock_rates[-1])
    stock_rate = median(stock_rates)
    rate = min(median(sign_rates), median(verify_rates))
    figure = Figure(
        "rdfc",
        "Cold RDFC sign/verify rate per core vs stock pyld normalize (contexts reused, N-Quads byte-identical)",
        f"≥ {GOAL:.0f}",
        value=round(rate, 1),
        unit="documents/s (slower of sign and verify)",
        baseline=round(stock_rate, 1),
        baseline_unit="documents/s (stock jsonld.normalize)",
        ratio=round(median(ratios), 2),
    )
    figure.met = figure.ratio is not None and figure.ratio >= GOAL and not mismatches and corpus[1] == 0
    figure.details = {
        "sign_per_s": round(median(sign_rates), 1),
        "verify_per_s": round(median(verify_rates), 1),
        "stock_normalize_per_s": round(stock_rate, 1),
        "per_round_ratios": sorted(round(x, 2) for x in ratios),
        "rounds": rounds,
        "identical_nquads_sample": f"{len(identical_docs) - len(mismatches)}/{len(identical_docs)}",
        "identical_nquads_test_corpus": f"{corpus[0] - corpus[1]}/{corpus[0]}" if corpus[0] else "corpus not found",
    }
    figure.notes.append(
        "each document is a new award (own id, recipient and its key, date, status slot) of one of the demo's "
        "credentials; a sign or verify includes the whole proof (both canonicalizations, hashing, Ed25519); "
        "median over interleaved rounds of CPU time"
    )
    return figure


def _test_corpus_identity(stock: Callable[[dict[str, Any]], str]) -> tuple[int, int]:
    """(documents, mismatches) over the RDFC test corpus of tests/crypto (not the W3C vectors: their examples
    context is not bundled, so the store here cannot load it)."""
    try:
        from tests.crypto.conftest import award_variations
        from tests.crypto.test_rdfc import embedded_context_docs
    except ImportError:
        return 0, 0
    corpus = [doc for _, doc in (*award_variations(), *embedded_context_docs())]
    mismatches = sum(1 for doc in corpus if canonize(doc) != stock(doc))
    return len(corpus), mismatches
