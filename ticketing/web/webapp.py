"""The installable web app: a manifest in the reader's language and a start page, so a grid leader can put the
service on a phone's home screen and open it on their own list."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as Reply

from ticketing.web.nav import landing

bp = Blueprint("webapp", __name__)

THEME = "#b42318"  # app.css --accent


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web-app manifest (application/manifest+json), named in the reader's language."""
    chinese = str(get_locale()) == "zh_Hans"
    icon = "icons/icon-{size}.png"
    body = {
        "name": _("Community grid service"),
        "short_name": _("Grid service"),
        "description": _("Resident requests of the community grid: queues, callbacks and the overdue board."),
        "lang": "zh-Hans" if chinese else "en",
        "start_url": url_for(".start"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            *(
                {
                    "src": url_for("static", filename=icon.format(size=size)),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in (192, 512)
            ),
            {"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/start")
def start() -> Reply:
    """Where the installed app opens: a staff member's own list, a resident's home page."""
    return redirect(landing())
