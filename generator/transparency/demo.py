"""A demonstration log for a registry that declares none (the shipped example registry).

``credreg build --demo-log`` (what ``make site`` runs) publishes a log of the repository's own Git history with
a throwaway key: made in a temporary directory outside the repository, used for this one build, deleted. The
served ``log/policy.json`` says ``"demo": true`` and the verification page labels the log line so: a demo shows
how the log works, it guarantees nothing (nobody keeps its key, no witness follows it). A registry that declares
its log in ``registry/governance.yaml`` is never given a demo log. See docs/transparency-log-operators.md.
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from pathlib import Path

from generator._internal.git import git_argv, git_env
from generator.registry import Registry
from generator.transparency.keys import generate_note_key
from generator.transparency.log import log_origin
from generator.transparency.publish import publish_log

__all__ = ["has_history", "publish_demo_log"]


def has_history(root: Path) -> bool:
    """Whether ``root`` is the top of a Git work tree with at least one commit (a log follows its history)."""
    try:
        # Asked as the log then reads it (git_argv, git_env): a GIT_DIR exported for another repository answered
        # for that one, while the log, which drops it, read this one.
        done = subprocess.run(
            git_argv("rev-parse", "--show-toplevel", "HEAD"),
            cwd=root, env=git_env(), capture_output=True, text=True, check=False, timeout=30,
        )  # fmt: skip
    except OSError:
        return False
    lines = done.stdout.split()
    return done.returncode == 0 and len(lines) == 2 and Path(lines[0]).resolve() == root.resolve()


def publish_demo_log(root: Path, registry: Registry, state: Path) -> Registry:
    """Publish the demo log of ``root``'s history into ``state``; the registry with that (demo) log declared."""
    from generator.models.governance import TransparencyLog

    with tempfile.TemporaryDirectory(prefix="credreg-demo-log-key-") as keys:
        signer = generate_note_key(Path(keys) / "log.key", log_origin(registry.site_url), "log", root=root)
        model = registry.governance.model.model_copy(update={"log": TransparencyLog(vkey=signer.verifier.vkey)})
        demo = dataclasses.replace(registry, governance=dataclasses.replace(registry.governance, model=model))
        publish_log(root, demo, state, signer, shallow_ok=True)  # a preview checkout is shallow
    return demo
