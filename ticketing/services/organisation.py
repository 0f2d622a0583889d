"""Changes to the organisation registry: imported files and rosters, uploads, one post's holders.

Every change goes through ``_save_registry``: it bumps the registry
version, the engine reloads the organisation at its next transaction, and the
open tickets of a post whose holders changed pass to the new holders in the
same transaction, with an audit event saying who changed what.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sqlalchemy import Connection

from ticketing.db import tickets as ticket_store
from ticketing.db.org_store import REGISTRY_TABLES, load_org, save_org
from ticketing.domain import rules
from ticketing.domain.audit import AuditAction, AuditEvent, Detail
from ticketing.domain.coverage import holders_changed
from ticketing.domain.errors import InvalidInput, NotFound, OrgFileError
from ticketing.organisation.data import ImportSummary, OrgData
from ticketing.organisation.files import read_sources
from ticketing.services.changes import apply_each, require_aware
from ticketing.services.tickets import Ticketing
from ticketing.services.unit_of_work import unit_of_work

UPLOAD_CHUNK = 64 * 1024

ImportProgress = Callable[[int, int, str], None]
"""Told ``(steps done, steps in all, the step under way)``: a step for each file read, one for each table saved."""


class HolderProblems(InvalidInput):
    """What is wrong with proposed holders, per form field: ``"unknown"`` staff, the ``"same"`` person as A and B,
    or someone holding the post ``"twice"``."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__(", ".join(f"{name}: {problem}" for name, problem in fields.items()))


def import_files(
    ticketing: Ticketing,
    paths: Sequence[Path],
    now: datetime,
    actor_id: str | None = None,
    progress: ImportProgress | None = None,
) -> ImportSummary:
    """Import organisation files (.yaml/.toml) and rosters (.csv/.xlsx) in order, all or nothing."""
    steps = len(paths) + len(REGISTRY_TABLES)
    report = progress or (lambda _done, _steps, _what: None)
    with unit_of_work(ticketing.engine) as work:
        data = read_sources(
            paths, base=load_org(work.conn), reading=lambda index, path: report(index, steps, f"reading {path.name}")
        )
        saving = {table: len(paths) + index for index, table in enumerate(REGISTRY_TABLES)}
        summary = _save_registry(
            ticketing, work.conn, data, now, saving=lambda table: report(saving[table], steps, f"saving {table}")
        )
        detail = _import_detail(summary) | {"files": [path.name for path in paths]}
        work.audit(AuditEvent(now, actor_id, AuditAction.REGISTRY_IMPORTED, "registry", detail))
    report(steps, steps, "saved")
    return summary


def import_uploads(
    ticketing: Ticketing, uploads: Sequence[tuple[str, BinaryIO]], now: datetime, actor_id: str | None = None
) -> ImportSummary:
    """Import uploaded files as ``import_files`` does; each is saved under its own name, so problems name it."""
    with tempfile.TemporaryDirectory(prefix="ticketing-import-") as folder:
        paths: list[Path] = []
        for index, (filename, stream) in enumerate(uploads):
            path = Path(folder) / str(index) / _plain_name(filename)
            path.parent.mkdir()
            with path.open("wb") as target:
                while chunk := stream.read(UPLOAD_CHUNK):
                    target.write(chunk)
            paths.append(path)
        try:
            return import_files(ticketing, paths, now, actor_id)
        except OrgFileError as error:
            raise OrgFileError([_without_folder(problem, folder) for problem in error.problems]) from None


def change_holders(
    ticketing: Ticketing,
    post_id: str,
    holder_a: str,
    holder_b: str,
    now: datetime,
    actor_id: str | None = None,
    more_holders: Sequence[str] | None = None,
) -> ImportSummary:
    """Give a post new holders — A, B and (unless None, which keeps them) those after B, in order — as a
    one-post import; its open tickets follow them."""
    with unit_of_work(ticketing.engine) as work:
        data = load_org(work.conn)
        post = data.organisation.posts.get(post_id)
        if post is None:
            raise NotFound("unknown post %(post)r", post=post_id)
        more = tuple(more_holders) if more_holders is not None else post.more_holders
        if problems := _holder_problems(data.organisation.staff.keys(), holder_a, holder_b, more):
            raise HolderProblems(problems)
        data.organisation.posts[post_id] = replace(post, holder_a=holder_a, holder_b=holder_b, more_holders=more)
        summary = _save_registry(ticketing, work.conn, data, now)
        detail: Detail = {
            "holder_a": f"{post.holder_a} → {holder_a}",
            "holder_b": f"{post.holder_b} → {holder_b}",
        }
        if more or post.more_holders:
            detail["more_holders"] = f"{', '.join(post.more_holders) or '—'} → {', '.join(more) or '—'}"
        detail["rehomed"] = summary.rehomed
        work.audit(AuditEvent(now, actor_id, AuditAction.HOLDERS_CHANGED, post_id, detail))
        return summary


def _holder_problems(known: Collection[str], holder_a: str, holder_b: str, more: Sequence[str]) -> dict[str, str]:
    """Per form field: ``"unknown"`` staff, ``"same"`` A and B, or someone holding the post ``"twice"``."""
    problems = {
        name: "unknown"
        for name, ids in (("holder_a", [holder_a]), ("holder_b", [holder_b]), ("more_holders", more))
        if any(sid not in known for sid in ids)
    }
    if holder_a == holder_b and "holder_b" not in problems:
        problems["holder_b"] = "same"
    order = [holder_a, holder_b, *more]
    if len(set(order)) < len(order) and "more_holders" not in problems and holder_a != holder_b:
        problems["more_holders"] = "twice"
    return problems


def _save_registry(
    ticketing: Ticketing, conn: Connection, data: OrgData, now: datetime, saving: Callable[[str], None] | None = None
) -> ImportSummary:
    """Save the registry in the caller's transaction; open tickets follow their post's new holders.

    Who should now hold each ticket of a post whose A or B holder changed is
    ``rules.rehome``'s decision; the hand-overs are written in the same
    transaction as the new holders, so no ticket stays with someone who no
    longer holds its post.
    """
    require_aware(now)
    before = load_org(conn).organisation.posts
    summary = save_org(conn, data, saving)
    changed = holders_changed(before, data.organisation.posts)
    if not changed:
        return summary
    world = ticketing.worlds.uncached(conn)
    found = ticket_store.open_tickets_locked(conn, post_ids=list(changed))
    moved = apply_each(conn, world, found, lambda t: rules.rehome(world, t, changed[t.post_id], now), now)
    return replace(summary, rehomed=moved)


def _import_detail(summary: ImportSummary) -> Detail:
    """Per table, what the import created and updated; how many open tickets passed to new holders."""
    detail: Detail = {
        f"{table}_{what}": count
        for table, counts in summary.tables().items()
        for what, count in (("created", counts.created), ("updated", counts.updated))
        if count
    }
    return detail | {"rehomed": summary.rehomed}


def _plain_name(filename: str) -> str:
    """The last part of an uploaded file's name (browsers may send a Windows path), short enough to save."""
    name = PurePosixPath(filename.replace("\\", "/").replace("\x00", "")).name
    if name in ("", ".", ".."):
        return "upload"
    suffix = PurePosixPath(name).suffix[:8]
    return name if len(name) <= 60 else f"{name[: 60 - len(suffix)]}{suffix}"


def _without_folder(problem: str, folder: str) -> str:
    """``/tmp/ticketing-import-x/0/roster.csv: row 2…`` → ``roster.csv: row 2…``."""
    prefix = f"{folder}/"
    if not problem.startswith(prefix):
        return problem
    _index, _slash, rest = problem[len(prefix) :].partition("/")
    return rest
