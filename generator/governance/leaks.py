"""No private key ever enters the repository: every added or changed file is searched for one.

A credreg private key file is recognised by its format marker; other private keys by their PEM armour
(``-----BEGIN … PRIVATE KEY-----``: PKCS#8, RSA, EC, OpenSSH, encrypted). Symbolic links are not followed: a
link's target is a path, not content, and following it could read files outside the repository.
"""

from __future__ import annotations

import re

from generator.awarding.keys import PRIVATE_KEY_FORMAT
from generator.errors import ProblemList
from generator.governance.context import PullRequest
from generator.governance.git import ChangeStatus
from generator.transparency.keys import NOTE_KEY_FORMAT

__all__ = ["check_private_keys", "private_key_line"]

# Built from the constant, so this module (and any file that merely names the format) is not a match.
_PATTERNS = (
    (re.compile(rb'"format"\s*:\s*"' + re.escape(PRIVATE_KEY_FORMAT.encode()) + rb'"'), "a credreg private key"),
    (re.compile(rb'"format"\s*:\s*"' + re.escape(NOTE_KEY_FORMAT.encode()) + rb'"'), "a transparency-log private key"),
    (re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"), "a PEM private key"),
)


def private_key_line(data: bytes) -> tuple[int, str] | None:
    """(line, what) of the first private key in ``data``."""
    found = [(m.start(), what) for pattern, what in _PATTERNS if (m := pattern.search(data))]
    if not found:
        return None
    start, what = min(found)
    return data.count(b"\n", 0, start) + 1, what


def check_private_keys(pr: PullRequest, problems: ProblemList) -> None:
    for change in pr.changes:
        if change.status is ChangeStatus.DELETED:
            continue
        path = pr.root / change.path
        try:
            data = str(path.readlink()).encode() if path.is_symlink() else path.read_bytes()
        except OSError:
            continue
        hit = private_key_line(data)
        if hit is not None:
            line, what = hit
            problems.add(
                change.path,
                f"contains {what}: private keys never enter the repository. Remove the file from the pull request "
                "(and from its commits), and treat the key as exposed: revoke it (revoked_at and "
                "revocation_reason in its key file) and make a new one with `credreg keygen`",
                line=line,
                code="governance.private-key",
            )
