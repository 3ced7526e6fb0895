"""The "Become an issuer" guide: its field tables are generated from the schemas, so every allowed value of
every enumerated field appears, and the page is in the site's navigation."""

from __future__ import annotations

import enum

import pytest
import yaml

from generator.guide import expand_markers, fields_table
from generator.models import (
    AchievementType,
    AssessmentMethod,
    DeliveryMode,
    Framework,
    IssuerKind,
    LifecycleStatus,
    Proficiency,
    QualityAssuranceKind,
    StackingRule,
)
from generator.schema import FileKind
from tests.conftest import REPO

GUIDE = REPO / "docs" / "become-an-issuer.md"


@pytest.mark.parametrize(
    ("kind", "enums"),
    [
        (FileKind.ISSUER, [IssuerKind]),
        (
            FileKind.CREDENTIAL,
            [
                AchievementType, AssessmentMethod, DeliveryMode, Framework, LifecycleStatus, Proficiency,
                QualityAssuranceKind, StackingRule,
            ],
        ),
    ],
)  # fmt: skip
def test_every_allowed_value_is_listed(kind: FileKind, enums: list[type[enum.Enum]]) -> None:
    table = fields_table(kind)
    for enumeration in enums:
        listed = ", ".join(f"`{member.value}`" for member in enumeration)
        assert f"one of {listed} |" in table, enumeration


def test_every_field_has_a_row_with_what_it_takes() -> None:
    table = fields_table(FileKind.CREDENTIAL)
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert all(len(row) == 4 for row in rows)
    by_field = {row[0].removeprefix("| "): row for row in rows}
    assert by_field["`level.proficiency`"][2] == "one of `beginner`, `intermediate`, `advanced`"
    assert by_field["`effort.duration`"][2] == "an ISO 8601 duration such as P3Y, P6M, P8W or P10D"
    assert by_field["`cost`"][1:3] == ["yes", "`free` or a mapping (fields below)"]
    assert by_field["`cost.currency`"][1] == "yes"
    assert by_field["`occupations[].name`"][1] == ""  # required in an occupation, but occupations are optional
    assert "text matching" not in table  # every pattern is explained in words


def test_the_guide_is_generated_and_in_the_navigation() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    expanded = expand_markers(text)
    assert "<!-- credreg:fields" not in expanded
    assert fields_table(FileKind.ISSUER) in expanded
    assert fields_table(FileKind.CREDENTIAL) in expanded
    assert "It costs nothing." in text
    nav = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    guides = next(item["Guides"] for item in nav if "Guides" in item)
    assert {"Become an issuer": "become-an-issuer.md"} in guides
