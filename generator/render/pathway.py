"""A credential's pathway as a small server-rendered diagram: what comes before it (prerequisites, stacked
components), the credential itself, and what it leads to. Plain HTML lists laid out by CSS: readable by screen
readers as nested lists, links that work without JavaScript, reflows to a vertical flow on narrow screens,
and nothing to load at view time."""

from __future__ import annotations

from generator.render import labels
from generator.render.components import status_badge
from generator.render.html import esc, relative
from generator.render.model import Entry, SiteModel

__all__ = ["pathway"]


def _node(model: SiteModel, ref: str, current: Entry, here: str) -> str:
    entry = model.entry(ref)
    if entry is None:  # validation refuses dangling references; stay robust anyway
        return f'<li class="cr-node cr-node--missing">{esc(ref)}</li>'
    d = entry.definition
    issuer = (
        f'<span class="cr-node__meta">{esc(entry.issuer.name)}</span>' if entry.record.id != current.record.id else ""
    )
    level = labels.level_label(d)
    return (
        '<li class="cr-node">'
        f'<a href="{esc(relative(here, entry.path))}">{esc(d.name)}</a>'
        f"{issuer}"
        f'<span class="cr-node__meta">{esc(level)} {status_badge(d.status)}</span>'
        "</li>"
    )


def _group(model: SiteModel, title: str, refs: list[str], current: Entry, here: str) -> str:
    if not refs:
        return ""
    nodes = "".join(_node(model, r, current, here) for r in refs)
    return f'<div class="cr-flow__group"><p class="cr-flow__label">{esc(title)}</p><ul>{nodes}</ul></div>'


def pathway(model: SiteModel, entry: Entry, here: str) -> str:
    """The diagram, or a sentence saying the credential stands alone."""
    d = entry.definition
    before = _group(model, "Hold first (prerequisites)", entry.prerequisites, entry, here)
    if d.stacking is not None:
        title = labels.stacking_label(d.stacking.rule, d.stacking.n, len(entry.components))
        before += _group(model, title, entry.components, entry, here)
    after = _group(model, "Counts towards", entry.stacks_into, entry, here)
    after += _group(model, "Prerequisite for", entry.required_by, entry, here)
    if not before and not after:
        return (
            '<p class="cr-muted">This credential stands alone: it has no prerequisites, is not earned by stacking '
            "others and does not count towards another credential in the registry.</p>"
        )
    arrow = '<div class="cr-flow__arrow" aria-hidden="true"></div>'
    current = (
        '<div class="cr-flow__col cr-flow__col--current">'
        f'<p class="cr-node cr-node--current" aria-current="page">{esc(d.name)}</p></div>'
    )
    parts = []
    if before:
        parts += [f'<div class="cr-flow__col">{before}</div>', arrow]
    parts.append(current)
    if after:
        parts += [arrow, f'<div class="cr-flow__col">{after}</div>']
    return f'<div class="cr-flow" role="group" aria-label="Pathway of {esc(d.name)}">{"".join(parts)}</div>'
