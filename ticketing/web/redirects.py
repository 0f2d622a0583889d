"""Where a ``next`` parameter may send the browser: a path on this site, nothing else.

Browsers read ``//host`` and ``/\\host`` as another site and drop tabs and
line breaks before they do (``/\\t/evil`` becomes ``//evil``), and a line
break in a ``Location`` header would start a header of its own. So a target
must start with one ``/``, hold no backslash and no control character, and
parse without a scheme or host; anything else goes to the default page.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_TARGET = 2000


def local_target(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``."""
    if not target or len(target) > MAX_TARGET or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in target):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default
