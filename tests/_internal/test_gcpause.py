"""The collector pauses of generator._internal.gcpause leave the interpreter as they found it, also on error."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from generator._internal.gcpause import frozen_heap, gc_paused
from generator.load import load_registry


def test_pause_restores_the_collector_also_on_error() -> None:
    def fail_inside() -> None:
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        fail_inside()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is kept
    finally:
        gc.enable()


def test_loading_leaves_the_collector_on(registry_dir: Path) -> None:
    assert load_registry(registry_dir)
    assert gc.isenabled()


def test_frozen_heap_is_unfrozen_after() -> None:
    before = gc.get_freeze_count()
    with frozen_heap():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
