"""The resident's private link in a notice, signed rather than stored.

The receipt's link carries a random token of which only the hash is kept, so
a notice sent days later cannot repeat it.  A notice carries instead
``/r/t/<number>.<signature>``: an HMAC of the tracking number under the
service's secret key, which the status page checks the same way.  The worker
and the web processes must therefore share the secret key
(``TICKETING_SECRET_KEY``, or the same data directory); changing the key ends
the links already sent, as it ends sessions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

PURPOSE = b"resident-link\x00"  # the key signs sessions too: this keeps a link's signature from being anything else
SIGNATURE_BYTES = 18  # 144 bits, 24 characters in the link


def _signature(secret: str, number: str) -> str:
    digest = hmac.new(secret.encode(), PURPOSE + number.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def link_token(secret: str, number: str) -> str:
    """The last part of the private link a notice carries: ``261127-000001.<signature>``."""
    return f"{number}.{_signature(secret, number)}"


def signed_number(secret: str, token: str) -> str | None:
    """The tracking number a notice's token was signed for; None for any other token."""
    number, dot, signature = token.partition(".")
    if not dot or not hmac.compare_digest(signature.encode(), _signature(secret, number).encode()):
        return None
    return number


@dataclass(frozen=True)
class ResidentLinks:
    """Builds the private links notices carry: the public address of the resident pages and the secret key."""

    base_url: str  # https://grid.example.cn, without the trailing slash
    secret: str

    def __call__(self, number: str) -> str:
        return f"{self.base_url.rstrip('/')}/r/t/{link_token(self.secret, number)}"
