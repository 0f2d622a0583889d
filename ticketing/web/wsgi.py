"""The WSGI app for gunicorn (``gunicorn ticketing.web.wsgi:app``), built from the environment.

Each gunicorn worker imports this after the fork, so each gets its own engine
and pool, and its own heartbeat thread (``ticketing.web.liveness``). The app
never starts a scheduler: deadlines are the worker's job (``ticketing
worker``), whatever the number of web processes. A secret key too short to
sign sessions, or a setting it cannot use (a malformed rate limit), stops the
process with the reason on stderr, and gunicorn with it (its "app failed to
load" exit status).
"""

from __future__ import annotations

import sys

from gunicorn.arbiter import Arbiter

from ticketing.deploy.datadir import UnsafeSecretKey
from ticketing.deploy.settings import InvalidSetting
from ticketing.web import create_app
from ticketing.web.liveness import keep_beating

try:
    app = create_app()
except (UnsafeSecretKey, InvalidSetting) as refused:
    print(f"error: {refused}", file=sys.stderr)
    raise SystemExit(Arbiter.APP_LOAD_ERROR) from None
keep_beating(app.extensions["ticketing"].engine)
