"""The governance tests' registry repository (a real Git repository with signing keys), for the signing commands'
tests here."""

from tests.governance.conftest import base_repo, repo

__all__ = ["base_repo", "repo"]
