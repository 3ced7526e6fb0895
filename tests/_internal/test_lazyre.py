"""LazyPattern: the text rules' large patterns, compiled on first use, find what re.compile's would."""

from __future__ import annotations

import re

import pytest

from generator._internal.lazyre import LazyPattern
from generator.governance import leaks
from generator.models import award
from tests.conftest import run_fresh

LAZY = [
    (module.__name__, name, value)
    for module in (award, leaks)
    for name, value in vars(module).items()
    if isinstance(value, LazyPattern)
]

SAMPLES = [
    "",
    "Contact jane.doe@example.org or +44 20 7946 0958",
    "jane dot doe at example dot org",
    "ja%6Ee%40example.org",
    "security@example.org",
    "First name,Office,Phone",
    "Student,Mobile",
    "zeros 0000000000 and noise QUJDREVGR0g=",
]


def test_the_lazy_patterns_are_the_ones_expected() -> None:
    names = {f"{m}.{n}" for m, n, _ in LAZY}
    assert names >= {"generator.models.award._ADDRESS_DECODED", "generator.models.award.PHONE_IN_TEXT"}
    assert names >= {"generator.governance.leaks._ROLE_MAILBOX", "generator.governance.leaks._PERSON_COLUMN"}


@pytest.mark.parametrize(("module", "name", "lazy"), LAZY, ids=[f"{m}.{n}" for m, n, _ in LAZY])
def test_a_lazy_pattern_finds_what_the_compiled_one_finds(module: str, name: str, lazy: LazyPattern[str]) -> None:
    compiled = re.compile(lazy.pattern, lazy.compiled().flags)
    assert lazy.compiled().pattern == lazy.pattern
    for text in SAMPLES:
        for method in ("search", "match", "fullmatch"):
            got, want = getattr(lazy, method)(text), getattr(compiled, method)(text)
            assert (got and got.span()) == (want and want.span()), (method, text)
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
        assert lazy.findall(text) == compiled.findall(text)
        assert lazy.sub(" ", text) == compiled.sub(" ", text)


def test_importing_the_rules_compiles_none_of_them() -> None:
    script = (
        "import generator.governance.leaks as l, generator.models.award as a\n"
        "from generator._internal.lazyre import LazyPattern\n"
        "lazy = [v for m in (a, l) for v in vars(m).values() if isinstance(v, LazyPattern)]\n"
        "assert len(lazy) >= 7, lazy\n"
        "assert all(v._compiled is None for v in lazy)\n"
        "print('ok')\n"
    )
    assert run_fresh(script) == "ok\n"
