"""An award's path is published (the repository, its history, the public log): the full check and the pull-request
check alike refuse any name but the ones credreg award writes, so no folder or batch name can carry a recipient."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.check import CheckOptions, run_check
from tests.governance.conftest import ACME, Repo, errors, shown

AWARDS = f"registry/issuers/{ACME}/awards"


def _new_single(repo: Repo) -> tuple[str, str]:
    """A new single award of Acme, as credreg award writes it: (its path, its hash)."""
    [issued] = repo.award(email="ada.lovelace@example.org")
    path = issued.path.relative_to(repo.root).as_posix()
    return path, issued.hash


def _new_batch(repo: Repo) -> str:
    [first, *_] = repo.award(emails=["ada.lovelace@example.org", "bo.lind@example.org"])
    return first.path.relative_to(repo.root).as_posix()


def _day(repo: Repo, path: str) -> dt.date:
    """The awards' day (their validFrom's, in UTC), which their folder and batch name hold: not the session's NOW's
    (the awards are signed a minute before it, on the day before in a day's first minute, the year before on 1
    January)."""
    text = repo.read(path)
    valid_from = json.loads(text.splitlines()[0] if path.endswith(".jsonl") else text)["validFrom"]
    return dt.datetime.fromisoformat(valid_from.replace("Z", "+00:00")).astimezone(dt.UTC).date()


def _refused_by_both_checks(repo: Repo, path: str) -> None:
    for report in (repo.check("acme-lead"), run_check(repo.root, CheckOptions(progress=False))):
        found = [p for p in errors(report) if p.code == "award.filename"]
        assert found, shown(report.problems)
        assert [p.location.path for p in found] == [path] * len(found)
        assert "a path is published" in found[0].message
        assert "lovelace" not in found[0].message


def test_the_names_credreg_award_writes_pass(repo: Repo) -> None:
    _new_single(repo)
    _new_batch(repo)
    assert shown(errors(repo.check("acme-lead"))) == []


@pytest.mark.parametrize(
    "folder",
    ["ada.lovelace@example.org/{hh}", "2026/ada-lovelace/{hh}", "ada-lovelace/2026/{hh}", "2026/{hh}/ada"],
)
def test_a_single_award_in_a_folder_naming_its_recipient_is_refused(repo: Repo, folder: str) -> None:
    path, digest = _new_single(repo)
    moved = f"{AWARDS}/{folder.format(hh=digest[:2])}/{digest}.json"
    repo.write(moved, repo.read(path))
    repo.path(path).unlink()
    _refused_by_both_checks(repo, moved)


@pytest.mark.parametrize(
    "name",
    [
        "2026/batches/ada-lovelace-and-bo-lind.jsonl",
        "2026/batches/2026-03-01-ada-lovelace-0a1b2c3d.jsonl",  # the credential's place holds a name
        "2026/batches/2026-03-01-sql-basics-ada-lovelace.jsonl",  # the random id's place holds one
        "2026/ada-lovelace/2026-03-01-sql-basics-0a1b2c3d.jsonl",
        "ada.lovelace@example.org.jsonl",
    ],
)
def test_a_batch_named_after_its_recipients_is_refused(repo: Repo, name: str) -> None:
    path = _new_batch(repo)
    renamed = f"{AWARDS}/{name}"
    repo.write(renamed, repo.read(path))
    repo.path(path).unlink()
    _refused_by_both_checks(repo, renamed)


def test_the_batch_name_holds_its_awards_credential(repo: Repo) -> None:
    """Another credential's slug of the issuer's in the name is refused too: the name says what the lines award."""
    path = _new_batch(repo)
    line = json.loads(repo.read(path).splitlines()[0])
    assert line["credentialSubject"]["achievement"]["id"].endswith("/sql-basics/")
    day = _day(repo, path)
    renamed = f"{AWARDS}/{day.year}/batches/{day}-data-reporting-0a1b2c3d.jsonl"
    repo.write(renamed, repo.read(path))
    repo.path(path).unlink()
    _refused_by_both_checks(repo, renamed)


@pytest.mark.parametrize("year", ["1815", "2999", "{other}"])
def test_a_single_award_in_another_years_folder_is_refused(repo: Repo, year: str) -> None:
    """The year folder is the award's own (its validFrom's): any other four digits are free, and 1815 says a birth
    year as well as a name does. They passed both checks."""
    path, digest = _new_single(repo)
    moved = f"{AWARDS}/{year.format(other=_day(repo, path).year - 1)}/{digest[:2]}/{digest}.json"
    repo.write(moved, repo.read(path))
    repo.path(path).unlink()
    _refused_by_both_checks(repo, moved)


@pytest.mark.parametrize(
    "name",
    [
        "{year}/batches/1815-12-10-sql-basics-0a1b2c3d.jsonl",  # a date, but not the awards' day: a birthday
        "{year}/batches/{year}-13-45-sql-basics-0a1b2c3d.jsonl",  # no date at all
        "1815/batches/{date}-sql-basics-0a1b2c3d.jsonl",  # the day, in another year's folder
        "{year}/batches/{previous}-sql-basics-0a1b2c3d.jsonl",  # the day before
    ],
)
def test_a_batch_named_with_a_date_not_its_awards_day_is_refused(repo: Repo, name: str) -> None:
    path = _new_batch(repo)
    day = _day(repo, path)
    renamed = f"{AWARDS}/{name.format(year=day.year, date=day, previous=day - dt.timedelta(days=1))}"
    repo.write(renamed, repo.read(path))
    repo.path(path).unlink()
    _refused_by_both_checks(repo, renamed)
