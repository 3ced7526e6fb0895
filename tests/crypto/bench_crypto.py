"""Throughput of the crypto layer on OB 3.0 awards, against its baselines, measured in one process.

Run: ``.venv/bin/python -m tests.crypto.bench_crypto``. Not a test (timings on a busy machine are noisy); it
prints the medians of interleaved rounds of CPU time, so the ratios are what to read.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import rfc8785
from pyld import jsonld

from generator.crypto import ContextStore, create_proof, ed25519, verification_method_for, verify_proof
from generator.crypto.jcs import canonicalize
from generator.crypto.rdfc import canonize

from .conftest import award


def awards(n: int) -> list[dict[str, Any]]:
    """Distinct awards (ids, salts, names differ), so nothing per document can be cached."""
    docs = []
    for i in range(n):
        doc = award(id=f"urn:uuid:2f1c7a8e-1111-4a2b-9c3d-{i:012d}", name=f"SQL for Data Analysis #{i}")
        doc["credentialSubject"]["identifier"][0]["salt"] = f"salt-{i}"
        docs.append(doc)
    return docs


def rate(fn: Callable[[dict[str, Any]], object], docs: list[dict[str, Any]]) -> float:
    start = time.process_time()
    for doc in docs:
        fn(doc)
    return len(docs) / (time.process_time() - start)


def compare(
    label: str, slow: tuple[str, Callable[[Any], object], int], fast: tuple[str, Callable[[Any], object], int]
) -> None:
    """Alternate short rounds of both, so that both see the same machine; report the median per-round ratio."""
    rounds = 15
    docs = awards(rounds * max(slow[2], fast[2]))
    fast[1](docs[0])  # warm caches once: "cold" below means every document is new
    slow_rates, fast_rates = [], []
    for r in range(rounds):
        slow_rates.append(rate(slow[1], docs[r * slow[2] : (r + 1) * slow[2]]))
        fast_rates.append(rate(fast[1], docs[r * fast[2] : (r + 1) * fast[2]]))
    ratios = sorted(f / s for s, f in zip(slow_rates, fast_rates, strict=True))
    s_med, f_med = statistics.median(slow_rates), statistics.median(fast_rates)
    print(
        f"{label}: {slow[0]} {s_med:,.0f} docs/s, {fast[0]} {f_med:,.0f} docs/s; ratio"
        f" {statistics.median(ratios):.2f}x (per-round range {ratios[0]:.2f}x-{ratios[-1]:.2f}x)"
    )


def main() -> None:
    store = ContextStore.bundled()
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": store.load}
    compare(
        "RDFC-1.0",
        ("stock pyld normalize", lambda d: jsonld.normalize(d, options), 30),
        ("canonize (cached)", canonize, 150),
    )
    compare("JCS", ("rfc8785.dumps", rfc8785.dumps, 500), ("canonicalize", canonicalize, 500))

    seed = ed25519.generate_seed()
    public = ed25519.public_from_seed(seed)
    vm = verification_method_for(public)
    for suite, n in (("eddsa-rdfc-2022", 200), ("eddsa-jcs-2022", 1000)):
        docs = awards(n)

        def sign(doc: dict[str, Any], suite: str = suite) -> dict[str, Any]:
            proof = create_proof(
                doc, cryptosuite=suite, seed=seed, verification_method=vm, created="2025-03-01T00:00:00Z"
            )
            return {**doc, "proof": proof}

        sign_rate = rate(sign, docs)
        signed = [sign(d) for d in docs]
        verify_rate = rate(lambda d: verify_proof(d, d["proof"], public), signed)
        print(f"{suite}: create_proof {sign_rate:,.0f}/s, verify_proof {verify_rate:,.0f}/s")


if __name__ == "__main__":
    main()
