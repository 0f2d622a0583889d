"""Administrative changes leave audit events, in the change's own transaction, and admins read them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ticketing.db.schema import audit_events
from ticketing.domain.audit import AuditAction
from ticketing.services import Ticketing
from ticketing.services.accounts import activate, deactivate, set_password
from ticketing.services.credentials import create_api_key, issue_staff_token, revoke_api_key, revoke_staff_token
from ticketing.services.organisation import HolderProblems, change_holders, import_files

Login = Callable[[str], FlaskClient]
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
ADMIN = "S0001"
POST = "B01010101.building_leader"  # A S0013 陈强, B S0014 吴红霞


def _trail(service: Ticketing) -> list[tuple[str | None, str, str, dict[str, object]]]:
    query = select(audit_events.c.actor_id, audit_events.c.action, audit_events.c.subject, audit_events.c.detail)
    with service.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query.order_by(audit_events.c.id))]  # type: ignore[misc]


def test_account_key_and_token_changes_are_recorded_with_who_made_them(service: Ticketing) -> None:
    set_password(service.engine, "S0020", "a-long-passphrase", NOW, actor_id=ADMIN)
    set_password(service.engine, "S0020", "another-passphrase", NOW)
    token_id, _token = issue_staff_token(service.engine, "S0020", NOW, actor_id=ADMIN)
    deactivate(service.engine, "S0020", NOW, actor_id=ADMIN)
    activate(service.engine, "S0020", NOW, actor_id=ADMIN)
    create_api_key(service.engine, "12345 热线", NOW)
    revoke_api_key(service.engine, "12345 热线", NOW)
    second, _ = issue_staff_token(service.engine, "S0020", NOW)
    revoke_staff_token(service.engine, second, NOW, actor_id=ADMIN)

    assert _trail(service) == [
        (ADMIN, AuditAction.ACCOUNT_CREATED, "S0020", {}),
        (None, AuditAction.PASSWORD_CHANGED, "S0020", {}),
        (ADMIN, AuditAction.TOKEN_ISSUED, "S0020", {"token": token_id}),
        (ADMIN, AuditAction.ACCOUNT_DEACTIVATED, "S0020", {"tokens_revoked": 1}),
        (ADMIN, AuditAction.ACCOUNT_ACTIVATED, "S0020", {}),
        (None, AuditAction.API_KEY_CREATED, "12345 热线", {}),
        (None, AuditAction.API_KEY_REVOKED, "12345 热线", {}),
        (None, AuditAction.TOKEN_ISSUED, "S0020", {"token": second}),
        (ADMIN, AuditAction.TOKEN_REVOKED, "S0020", {"token": second}),
    ]


def test_a_holder_change_is_recorded_with_old_and_new_holders(service: Ticketing) -> None:
    change_holders(service, POST, "S0015", "S0013", NOW, actor_id=ADMIN)

    assert _trail(service) == [
        (
            ADMIN,
            AuditAction.HOLDERS_CHANGED,
            POST,
            {"holder_a": "S0013 → S0015", "holder_b": "S0014 → S0013", "rehomed": 0},
        )
    ]


def test_a_refused_change_leaves_no_event(service: Ticketing) -> None:
    with pytest.raises(HolderProblems):
        change_holders(service, POST, "S0013", "S0013", NOW, actor_id=ADMIN)
    with pytest.raises(Exception, match="exists already"):
        create_api_key(service.engine, "twice", NOW)
        create_api_key(service.engine, "twice", NOW)

    assert [action for _, action, _, _ in _trail(service)] == [AuditAction.API_KEY_CREATED]


def test_a_registry_import_records_its_files_and_what_changed(service: Ticketing, tmp_path: Path) -> None:
    roster = tmp_path / "花名册.csv"
    roster.write_text("岗位,单位编号,AB岗,工号\n楼长,B01010101,A,S0015\n", encoding="utf-8")

    import_files(service, [roster], NOW)

    assert _trail(service) == [
        (None, AuditAction.REGISTRY_IMPORTED, "registry", {"posts_updated": 1, "rehomed": 0, "files": ["花名册.csv"]})
    ]


def test_the_admin_reads_the_trail_in_chinese_and_others_may_not(service: Ticketing, login: Login) -> None:
    admin = login(ADMIN)
    admin.post(f"/admin/posts/{POST}/holders", data={"holder_a": "S0015", "holder_b": "S0013"}, follow_redirects=True)
    roster = "岗位,单位编号,AB岗,工号\n楼长,B01010101,B,S0014\n"
    admin.post(
        "/admin/import",
        data={"files": [(io.BytesIO(roster.encode()), "roster.csv")]},
        content_type="multipart/form-data",
    )

    admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "操作留痕" in page
    assert "更换AB岗人员" in page and "阳光小区1号楼楼长" in page and "陈强 → 肖书勤" in page
    assert POST not in page and "S0013 → S0015" not in page, "posts and staff in words, not ids"
    assert "导入组织架构" in page and "roster.csv" in page and "岗位变更: 1" in page
    assert page.index("导入组织架构") < page.index("更换AB岗人员"), "newest first"
    assert "董志强" in page, "the admin who made the changes, by name"

    staff = login("S0013")
    assert staff.get("/admin/audit").status_code == 403
