"""No server software or version in the ``Server`` header: ``ticketing``, whichever process answers.

gunicorn writes ``Server: gunicorn`` before the app's own headers, so the app
cannot replace it: ``serve`` and ``demo`` (both under gunicorn) set the name in
gunicorn itself.
"""

from __future__ import annotations

import gunicorn.http.wsgi

SERVER = "ticketing"


def hide_gunicorn_version() -> None:
    """Call in gunicorn's master before it forks its web processes."""
    gunicorn.http.wsgi.SERVER = SERVER  # read by each response gunicorn builds
