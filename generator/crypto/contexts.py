"""The JSON-LD contexts the product may use, served offline.

Contexts are never fetched from the network: a context that is not bundled (or passed in explicitly, as the
tests do for the W3C examples context) is an :class:`~generator.errors.UnknownContextError`. A fetched
context could change what a signed credential means after it was signed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from generator.errors import UnknownContextError

__all__ = ["ContextStore", "RemoteDocument", "document_loader"]

#: pyld's remote-document shape: ``{"contextUrl", "documentUrl", "document", "contentType"}``.
RemoteDocument = dict[str, Any]

_PACKAGE = "generator.crypto"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    # pyld rewrites relative @context URLs and merges @import in place, so every load hands out a fresh,
    # mutable copy: one document's processing must never change what the next one sees.
    if isinstance(value, MappingProxyType):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


class ContextStore(Mapping[str, Mapping[str, Any]]):
    """An immutable mapping of context URL → parsed context document (read-only: mappings and tuples).

    Identity is the store itself (no value equality): caches of processed contexts are kept per store.
    """

    __slots__ = ("__weakref__", "_docs")

    def __init__(self, docs: Mapping[str, Mapping[str, Any]]) -> None:
        for url, doc in docs.items():
            if not isinstance(url, str) or not isinstance(doc, Mapping):
                raise TypeError(f"context {url!r}: expected a URL string and a JSON object")
        self._docs: Mapping[str, Mapping[str, Any]] = MappingProxyType({url: _freeze(doc) for url, doc in docs.items()})

    @classmethod
    @functools.cache
    def bundled(cls) -> ContextStore:
        """The contexts shipped with the package (``contexts/index.json``), loaded once."""
        root = resources.files(_PACKAGE).joinpath("contexts")
        index = json.loads(root.joinpath("index.json").read_text(encoding="utf-8"))
        return cls({url: json.loads(root.joinpath(name).read_text(encoding="utf-8")) for url, name in index.items()})

    def with_extra(self, extra: Mapping[str, Mapping[str, Any]]) -> ContextStore:
        """A new store with ``extra`` contexts added (or replacing ones with the same URL)."""
        return ContextStore({**self._docs, **extra})

    def __getitem__(self, url: str) -> Mapping[str, Any]:
        return self._docs[url]

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __repr__(self) -> str:
        return f"ContextStore({sorted(self._docs)!r})"

    def load(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        """pyld document loader over this store: a fresh copy of the context, or UnknownContextError."""
        try:
            doc = self._docs[url]
        except (KeyError, TypeError):
            known = ", ".join(sorted(self._docs))
            raise UnknownContextError(
                f"unknown JSON-LD context {url!r}: contexts are never fetched from the network",
                [f"known contexts: {known}"],
            ) from None
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": _thaw(doc),
            "contentType": "application/ld+json",
        }


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
    """pyld-shaped loader serving only the bundled contexts; anything else raises UnknownContextError."""
    return ContextStore.bundled().load(url, options)
