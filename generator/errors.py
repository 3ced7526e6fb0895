"""One exception hierarchy and one problem type for the whole toolkit.

Every stage (load → validate → verify → render → publish) reports what is wrong as :class:`Problem` values
that name the file, line, column and field. Stages collect problems instead of stopping at the first one, so
an issuer sees everything wrong with a pull request in one run. Exceptions are for what stops a command
outright; each knows how to explain itself to a CLI user (:meth:`CredregError.explain`), so the CLI never
prints a traceback.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "CredregError",
    "CryptoError",
    "FolderLocked",
    "GitFailed",
    "KeyFileError",
    "Location",
    "Problem",
    "ProblemList",
    "ProblemsFound",
    "SecretPlaceRefused",
    "Severity",
    "UnknownContextError",
    "UsageError",
    "VerificationError",
]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where a problem is: a path relative to the registry root (POSIX), and 1-based line and column."""

    path: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """A single finding: ``path:line:col: field.path: message``.

    ``code`` is a stable, machine-readable identifier (``yaml.duplicate-key``, ``ref.unknown-credential``)
    that tests and tools can match on without depending on the wording.
    """

    location: Location
    message: str
    field: str = ""
    code: str = "error"
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        head = str(self.location)
        if self.field:
            return f"{head}: {self.field}: {self.message}"
        return f"{head}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.location.path,
            "line": self.location.line,
            "col": self.location.col,
            "field": self.field,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }


@dataclass
class ProblemList:
    """An ordered collection of problems that stages append to. Each distinct problem is kept once: several rules
    (or one schema error per missing field, or a file checked once per award that uses it) can reach the same
    finding, and a reader should see it at its file/line/field once, not once per route to it."""

    items: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given, self.items = self.items, []
        self.extend(given)

    def add(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        field: str = "",
        code: str = "error",
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        problem = Problem(Location(path, line, col), message, field, code, severity)
        self.append(problem)
        return problem

    def append(self, problem: Problem) -> None:
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.location.path, p.location.line or 0, p.location.col or 0))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


class CredregError(Exception):
    """Base of every error the toolkit raises on purpose.

    ``explain()`` is what a CLI user reads: a one-line summary, then details, never a traceback.
    ``exit_code`` is the process status the CLI uses (1: the input has problems, 2: the command was misused).
    """

    exit_code: int = 1

    def __init__(self, summary: str, details: Iterable[str] = ()) -> None:
        super().__init__(summary)
        self.summary = summary
        self.details = list(details)

    def explain(self, line: Callable[[str], str] = str) -> str:
        """The summary, then each detail indented on a line of its own; ``line`` shows each (a terminal's escaping:
        :func:`generator.report.explained`)."""
        return "\n".join([line(self.summary), *(f"  {line(d)}" for d in self.details)])


class UsageError(CredregError):
    """The command was called wrongly (bad arguments, no registry found)."""

    exit_code = 2


class GitFailed(UsageError):
    """Git, asked what a checkout holds, failed or is missing (a checkout Git refuses as of "dubious ownership", a
    broken repository): a check that read no listing would judge nothing and pass, so it stops instead, saying what
    Git said."""


class SecretPlaceRefused(UsageError):
    """A secret (a private key; earners' links and keys; a list of recipients) would be written into a Git work
    tree or the registry checkout, or read from the checkout, where one ``git add`` publishes it. The path the
    user gave is what is wrong, not the registry: a usage error (exit 2), whichever command refuses it."""


class FolderLocked(CredregError):
    """Another credreg run held the issuer's (or endorser's) folder, or a log's state, for longer than the run would
    wait."""


class ProblemsFound(CredregError):
    """A stage found problems in the input; the problems say where."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(summary or f"{n} problem{'s' if n != 1 else ''} found", [str(p) for p in self.problems])


class KeyFileError(CredregError):
    """A private key file is missing, unreadable, too open, or inside the repository."""


class VerificationError(CredregError):
    """Raised by the raising wrappers around verification when a credential does not verify."""


class CryptoError(CredregError):
    """Canonicalization or signing could not be done (bad input to the crypto layer)."""


class UnknownContextError(CryptoError):
    """A JSON-LD context is not among the bundled ones. Contexts are never fetched from the network."""
