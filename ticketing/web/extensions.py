"""Flask extensions shared by the app factory and the blueprints (initialised in ``create_app``)."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_wtf import CSRFProtect

from ticketing.web.ratelimit import client_address

csrf = CSRFProtect()
limiter = Limiter(key_func=client_address, default_limits=[])  # storage: ``ratelimit.setup`` per app
