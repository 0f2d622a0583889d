"""The WSGI app for gunicorn (``gunicorn ticketing.web.wsgi:app``), built from the environment.

Each gunicorn worker imports this after the fork, so each gets its own engine
and pool. The app never starts a scheduler: deadlines are the worker's job
(``ticketing worker``), whatever the number of web processes.
"""

from __future__ import annotations

from ticketing.web import create_app

app = create_app()
