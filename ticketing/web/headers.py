"""Security headers on every response, set in one ``after_request``.

The Content-Security-Policy allows scripts and styles from this site only: the
templates carry no inline script, no event-handler attribute and no ``style``
attribute (data reaches scripts in ``data-*`` attributes or JSON blocks, which
do not execute). The one exception is the workflow page, whose Mermaid diagrams
are SVGs carrying their own ``<style>``: there, and only for styles,
``'unsafe-inline'`` is allowed. Nothing may frame a page (clickjacking);
HSTS is sent when session cookies are HTTPS-only, i.e. the site is served over
HTTPS. A stricter ``Referrer-Policy`` a blueprint set is kept: the resident's
pages send ``no-referrer``.
"""

from __future__ import annotations

from flask import Flask, Response, request

from ticketing.deploy.settings import Settings

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE_STYLE_ENDPOINTS = frozenset({"supervisor.workflows"})  # Mermaid's SVGs each hold a <style> element
HSTS = "max-age=31536000"  # a year


def content_security_policy(inline_styles: bool = False) -> str:
    policy = {**POLICY, "style-src": "'self' 'unsafe-inline'"} if inline_styles else POLICY
    return "; ".join(f"{name} {value}" for name, value in policy.items())


STRICT = content_security_policy()
WITH_INLINE_STYLES = content_security_policy(inline_styles=True)


def register(app: Flask, settings: Settings) -> None:
    @app.after_request
    def secure(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = (
            WITH_INLINE_STYLES if request.endpoint in INLINE_STYLE_ENDPOINTS else STRICT
        )
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "same-origin")  # the resident's pages send none: kept
        if settings.secure_cookies:
            headers["Strict-Transport-Security"] = HSTS
        return response
