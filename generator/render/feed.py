"""An Atom feed of the newest credentials, for people and tools that follow the registry."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from generator.models import LifecycleStatus
from generator.openbadges import timestamp
from generator.render import labels
from generator.render.model import Entry, SiteModel

__all__ = ["FEED_ENTRIES", "atom_feed"]

FEED_ENTRIES = 50


def _stamp(day: dt.date) -> str:
    return timestamp(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


#: The page that says what each lifecycle state means: the scheme of the category that gives an entry's state
#: (``active``, ``deprecated``, ``retired``).
STATUS_SCHEME_PAGE = "for-employers/"


def _title(model: SiteModel, entry: Entry) -> str:
    """The credential's name and, unless it is active, its state and its successor, as its page says them: a feed
    reader shows an entry's title and little else, and a retired credential read like any new one."""
    d = entry.definition
    if d.status is LifecycleStatus.ACTIVE:
        return d.name
    successor = model.entry(entry.superseded_by) if entry.superseded_by else None
    replaced = f", replaced by {successor.definition.name}" if successor is not None else ""
    return f"{d.name} ({labels.STATUS[d.status]}{replaced})"


def _entry(model: SiteModel, entry: Entry) -> str:
    d = entry.definition
    url = model.registry.credential_url(entry.record.id, d.id)
    return (
        "<entry>"
        f"<id>{escape(url)}</id>"
        f"<title>{escape(_title(model, entry))}</title>"
        f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>'
        f"<published>{_stamp(d.created)}</published>"
        f"<updated>{_stamp(d.updated or d.created)}</updated>"
        f"<author><name>{escape(entry.issuer.name)}</name><uri>{escape(model.registry.issuer_url(entry.record.id))}</uri></author>"
        f"<category term={quoteattr(d.achievement_type.value)}/>"
        f"<category scheme={quoteattr(model.registry.url(STATUS_SCHEME_PAGE))} term={quoteattr(d.status.value)} "
        f"label={quoteattr(labels.STATUS[d.status])}/>"
        f"<summary>{escape(d.summary)}</summary>"
        "</entry>"
    )


def atom_feed(model: SiteModel) -> str:
    registry = model.registry
    newest = model.newest(FEED_ENTRIES)
    updated = max((e.definition.updated or e.definition.created for e in newest), default=model.now.date())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(registry.site_url)}</id>"
        f"<title>{escape(registry.governance.model.name)}: new credentials</title>"
        f'<link rel="self" type="application/atom+xml" href={quoteattr(registry.url("feed.xml"))}/>'
        f'<link rel="alternate" type="text/html" href={quoteattr(registry.site_url)}/>'
        f"<updated>{_stamp(updated)}</updated>"
        f"{''.join(_entry(model, e) for e in newest)}"
        "</feed>\n"
    )
