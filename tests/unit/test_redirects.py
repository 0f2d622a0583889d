"""``next`` sends the browser only to a path on this site; everything else goes to the default page."""

from __future__ import annotations

import pytest

from ticketing.web.redirects import local_target

HOSTILE = [
    None,
    "",
    "//evil.example/x",
    "/\t/evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/x\r\nSet-Cookie: a=b",
    "/x\nLocation: //evil",
    "/\x00/evil",
    "/\u200b/evil",
    "/\u2028x",
    " /staff/queue",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", HOSTILE)
def test_anything_but_a_local_path_goes_to_the_default(target: str | None) -> None:
    assert local_target(target, "/home") == "/home"


@pytest.mark.parametrize(
    "target", ["/", "/staff/queue", "/staff/t/261123-000001?tab=history#notes", "/r/new?", "/a//b"]
)
def test_a_path_on_this_site_is_kept(target: str) -> None:
    assert local_target(target, "/home") == target
