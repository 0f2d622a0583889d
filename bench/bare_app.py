"""The Open311 figure's baseline: a bare Flask endpoint doing one INSERT, under gunicorn as ``ticketing serve`` runs.

    python -m bench.bare_app --port P        (TICKETING_DATABASE_URL names the database)

``POST /requests`` inserts one row into a table of its own in the same database
and answers 201; ``GET /healthz`` answers 200.  Same gunicorn options as
``ticketing serve --workers 2``: 2 processes of 4 threads each.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from flask import Flask, request
from gunicorn.app.base import BaseApplication
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert

metadata = MetaData()
bare_requests = Table(
    "bench_bare_requests", metadata, Column("id", Integer, primary_key=True), Column("description", Text)
)


def create_app() -> Flask:
    engine = create_engine(os.environ["TICKETING_DATABASE_URL"])
    app = Flask(__name__)

    @app.post("/requests")
    def post() -> tuple[str, int]:
        with engine.begin() as conn:
            conn.execute(insert(bare_requests).values(description=request.form.get("description", "")))
        return "{}", 201

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    metadata.create_all(create_engine(os.environ["TICKETING_DATABASE_URL"]))
    options = {"bind": f"127.0.0.1:{args.port}", "workers": 2, "worker_class": "gthread", "threads": 4}
    _Gunicorn(options | {"control_socket_disable": True, "loglevel": "warning"}).run()


if __name__ == "__main__":
    main()
