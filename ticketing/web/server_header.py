"""No server software or version in the ``Server`` header: ``ticketing``, whichever server answers.

gunicorn writes ``Server: gunicorn`` and Werkzeug's development server
``Werkzeug/3.x Python/3.x`` before the app's own headers, so the app cannot
replace them: ``serve`` and ``demo`` set the name in the servers themselves.
"""

from __future__ import annotations

import gunicorn.http.wsgi
from werkzeug.serving import WSGIRequestHandler

SERVER = "ticketing"


def hide_gunicorn_version() -> None:
    """Call in gunicorn's master before it forks its web processes."""
    gunicorn.http.wsgi.SERVER = SERVER  # read by each response gunicorn builds


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler (for ``run_simple(request_handler=…)``) naming no software version."""

    def version_string(self) -> str:
        return SERVER
