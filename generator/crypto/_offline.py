"""pyld, imported without its HTTP document loader.

Importing ``pyld.jsonld`` builds a default document loader: a ``requests.Session`` (importing requests, urllib3,
charset_normalizer, idna and certifi: about 0.1 s of CPU in every command that touches the crypto layer, the
pull-request check included), else aiohttp's. credreg never uses it: every pyld call passes the bundled
:class:`~generator.crypto.contexts.ContextStore`'s loader, and nothing may reach the network. So pyld is imported
here, first, with both HTTP libraries marked absent (``sys.modules[name] = None`` makes ``import name`` raise
ImportError): pyld then falls back to its dummy loader, which refuses every URL. The marks are removed afterwards,
so any other package can still import them; pyld's own files are not changed.
"""

import sys

_HTTP_LIBRARIES = ("requests", "aiohttp")


def _import_pyld_offline() -> None:
    if "pyld.jsonld" in sys.modules:
        return
    marked = [name for name in _HTTP_LIBRARIES if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import pyld.jsonld  # noqa: F401
    finally:
        for name in marked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


_import_pyld_offline()
