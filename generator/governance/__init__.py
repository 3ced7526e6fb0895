"""Git-based governance: who may change what, and what may never change.

``credreg check --base REV --actor HANDLE`` checks a pull request: the working tree against commit ``REV``,
as changed by GitHub user ``HANDLE``. The rules live in small modules, each documenting its semantics:

* :mod:`~generator.governance.ownership`: paths belong to issuers' maintainers or the registry maintainers;
  new issuers and keys need a registry maintainer's approval.
* :mod:`~generator.governance.history`: awards, revocation logs, keys, ids and names are append-only.
* :mod:`~generator.governance.new_awards` and :mod:`~generator.governance.status`: what a change signs is
  verified, freshly signed (:mod:`~generator.governance.fresh`), and consistent with what exists
  (:mod:`~generator.governance.existing`).
* :mod:`~generator.governance.leaks`: no private key enters the repository.
* :mod:`~generator.governance.codeowners`: ``.github/CODEOWNERS`` generated from the same data.
"""

from generator.governance.codeowners import CODEOWNERS_PATH, codeowners_problems, render_codeowners, write_codeowners
from generator.governance.existing import existing_status_slots
from generator.governance.git import WorkingTreeChange
from generator.governance.pull_request import PullRequestCheck, check_pull_request, pull_request_actor

__all__ = [
    "CODEOWNERS_PATH",
    "PullRequestCheck",
    "WorkingTreeChange",
    "check_pull_request",
    "codeowners_problems",
    "existing_status_slots",
    "pull_request_actor",
    "render_codeowners",
    "write_codeowners",
]
