"""Pieces several pages share: credential cards, status badges, fact lists, award counts."""

from __future__ import annotations

from collections.abc import Iterable

from generator.models import LifecycleStatus
from generator.render import labels
from generator.render.html import esc, relative
from generator.render.model import Entry, SiteModel, issuer_path

__all__ = ["card", "card_data", "card_list", "fact_list", "pick_button", "stat_tiles", "status_badge"]


def status_badge(status: LifecycleStatus) -> str:
    if status is LifecycleStatus.ACTIVE:
        return ""
    return f'<span class="cr-badge cr-badge--{esc(status.value)}">{esc(labels.STATUS[status])}</span>'


def card_data(entry: Entry) -> dict[str, str]:
    """What a catalog card shows, as plain strings: the server renders it, and so does the catalog script from
    the search index (both with the same classes, neither ever interpreting it as markup)."""
    d = entry.definition
    return {
        "ref": entry.ref,
        "name": d.name,
        "issuer": entry.issuer.name,
        "type": labels.achievement_type_label(d.achievement_type.value),
        "summary": d.summary,
        "level": labels.level_label(d),
        "effort": labels.hours_label(d.effort.hours),
        "cost": labels.cost_label(d.cost),
        "delivery": labels.DELIVERY[d.delivery],
        "assessment": labels.assessment_label(d),
        "status": d.status.value,
        "statusLabel": labels.STATUS[d.status],
    }


def pick_button(ref: str, name: str) -> str:
    """ "Add to compare": hidden until the compare script (``assets/credreg/picker.js``) takes it over."""
    return (
        f'<button class="cr-pick" type="button" data-compare-ref="{esc(ref)}" data-compare-name="{esc(name)}" '
        'aria-pressed="false" hidden>Add to compare</button>'
    )


def card(entry: Entry, here: str, *, heading: str = "h3") -> str:
    data = card_data(entry)
    facts = "".join(f"<li>{esc(data[k])}</li>" for k in ("level", "effort", "cost", "delivery"))
    link = f'<a href="{esc(relative(here, entry.path))}">{esc(data["name"])}</a>'
    return (
        '<li class="cr-card">'
        f'<{heading} class="cr-card__title">{link}</{heading}>'
        f'<p class="cr-card__meta">{esc(data["issuer"])} · {esc(data["type"])} '
        f"{status_badge(entry.definition.status)}</p>"
        f'<p class="cr-card__summary">{esc(data["summary"])}</p>'
        f'<ul class="cr-card__facts" aria-label="Key facts">{facts}</ul>'
        f'<p class="cr-card__assessment"><span class="cr-card__label">Assessed by</span> {esc(data["assessment"])}</p>'
        f"{pick_button(entry.ref, data['name'])}"
        "</li>"
    )


def card_list(entries: Iterable[Entry], here: str, *, heading: str = "h3", cls: str = "") -> str:
    items = "".join(card(e, here, heading=heading) for e in entries)
    return f'<ul class="cr-cards {esc(cls)}">{items}</ul>' if items else ""


def fact_list(rows: Iterable[tuple[str, str]], *, cls: str = "cr-keyfacts") -> str:
    """A definition list of (label, HTML value) pairs; values are already safe HTML."""
    body = "".join(f'<div class="cr-fact"><dt>{esc(k)}</dt><dd>{v}</dd></div>' for k, v in rows if v)
    return f'<dl class="{esc(cls)}">{body}</dl>'


def stat_tiles(rows: Iterable[tuple[str, int, str]]) -> str:
    """Counts as tiles: (label, number, modifier class)."""
    tiles = "".join(
        f'<div class="cr-stat cr-stat--{esc(mod)}"><dt>{esc(label)}</dt><dd>{n:,}</dd></div>' for label, n, mod in rows
    )
    return f'<dl class="cr-stats">{tiles}</dl>'


def award_counts(model: SiteModel, ref: str) -> list[tuple[str, int, str]]:
    stats = model.stats
    return [
        ("Awarded", stats.awarded.get(ref, 0), "awarded"),
        ("Active", max(stats.active(ref), 0), "active"),
        ("Expired", stats.expired.get(ref, 0), "expired"),
        ("Revoked", stats.revoked.get(ref, 0), "revoked"),
    ]


def issuer_link(entry: Entry, here: str) -> str:
    return f'<a href="{esc(relative(here, issuer_path(entry.record.id)))}">{esc(entry.issuer.name)}</a>'
