"""The verification data's origin goes into every page's Content-Security-Policy (``connect-src``): a data URL
the model accepts must be one Chromium's policy parser takes. A host it cannot parse (an underscore, an empty
label, an IPv6 literal) was dropped from the policy with a console warning: every visitor's page refused to
fetch the data, while the build said nothing. The model and the browser are held equal here, address by
address: each page, under its policy, fetches a file from the data's address, answered by the test itself
(``page.route``; nothing leaves the machine), and must get it."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from generator.models.governance import Governance
from generator.site.plugin import page_csp
from tests.browser.conftest import serve_dir

pytestmark = pytest.mark.browser

GOVERNANCE = {"name": "R", "description": "d", "site_url": "https://r.example/", "maintainers": ["a"]}

#: Addresses an operator could write; the first ones are what real operators use and must stay accepted.
ACCEPTED = ["https://data.credentials.example.org/verify/", "https://cdn-1.example:8443/v/", "http://127.0.0.1:8123/"]
CANDIDATES = [
    *ACCEPTED,
    "http://localhost/d/",
    "https://10.1.2.3/verify/",
    "https://data_store.example/verify/",
    "https://.example/",
    "https://data..example/",
    "https://data.example./",
    "https://[::1]:8443/",
    "https://[2001:db8::1]/",
    "https://999.1.1.1/",
    "https://1.2.3/",
    "https://-cdn.example/",
]


def _accepted(url: str) -> bool:
    try:
        Governance.model_validate({**GOVERNANCE, "verification_data_url": url})
    except ValidationError:
        return False
    return True


def test_every_data_url_the_model_accepts_is_an_origin_the_pages_policy_allows(page: Any, tmp_path: Path) -> None:
    accepted = [url for url in CANDIDATES if _accepted(url)]
    assert set(ACCEPTED) <= set(accepted)
    for number, url in enumerate(accepted):
        policy = html.escape(page_csp(url), quote=True)  # parsed as the attribute value the page holds
        (tmp_path / f"{number}.html").write_text(f'<meta http-equiv="Content-Security-Policy" content="{policy}">')
    warnings: list[str] = []
    page.on("console", lambda msg: warnings.append(msg.text))
    # The data's host answers here, whatever it is called: a fetch the policy refuses never reaches this.
    data = ["https://", "http://"]
    page.route(
        lambda address: address.startswith(tuple(data)),
        lambda route: route.fulfill(body='"shard"', headers={"Access-Control-Allow-Origin": "*"}),
    )
    with serve_dir(tmp_path) as base:
        for number, url in enumerate(accepted):
            warnings.clear()
            data[:] = [url]
            page.goto(f"{base}{number}.html")
            opens = page.evaluate("(u) => { try { new URL(u); return true; } catch { return false; } }", url)
            assert opens, f"{url}: accepted by the model, refused by the browser as a URL"
            # What a visitor's page does: fetch the data. Refused by the policy, the fetch fails at once (no blind
            # wait for a warning not to come); the warning, printed as the policy was parsed, is checked as well.
            got = page.evaluate(
                "(u) => fetch(u).then((r) => r.text(), (e) => `refused: ${e}`)", url + "probe/ab.json.gz"
            )
            assert got == '"shard"', f"{url}: accepted by the model, the page's policy refuses its data ({got})"
            assert not [w for w in warnings if "Content Security Policy" in w], (url, warnings)
