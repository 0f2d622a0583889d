"""The tables, as SQLAlchemy Core: the engine's hot paths use Core statements.

Alembic migrations under ``migrations/`` create exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    literal_column,
    or_,
    text,
    true,
)

from ticketing.db.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

calendars = Table(
    "calendars",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, server_default=""),
    Column("spec", JSON, nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("parent_id", String(64), ForeignKey("units.id"), index=True),
    Column("address", String(300), nullable=False, server_default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("calendar_id", String(64), ForeignKey("calendars.id")),
)

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("staff_id", String(64), ForeignKey("staff.id"), primary_key=True),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # Raised on logout, password change and deactivation: sessions and tokens of an older epoch are void.
    Column("session_epoch", Integer, nullable=False, server_default=text("0")),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime),
)

RATE_LIMIT_KEY_LENGTH = 255

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(RATE_LIMIT_KEY_LENGTH), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

staff_tokens = Table(
    "staff_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", String(64), ForeignKey("staff.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

staff = Table(
    "staff",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("phone", String(32), nullable=False, server_default=""),
    Column("role", String(16), nullable=False, server_default="staff"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False, index=True),
    Column("holder_a", String(64), ForeignKey("staff.id"), nullable=False, index=True),
    Column("holder_b", String(64), ForeignKey("staff.id"), nullable=False, index=True),
    Column("calendar_id", String(64), ForeignKey("calendars.id")),
    # The holders after B, in order (the police post's two auxiliaries): staff ids, checked when they are set.
    Column("more_holders", JSON, nullable=False, server_default=text("'[]'")),
)

absences = Table(
    "absences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", String(64), ForeignKey("staff.id"), nullable=False, index=True),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("handed_over", Boolean, nullable=False, server_default=text("false")),
    Column("handed_back", Boolean, nullable=False, server_default=text("false")),
    Column("cancelled_at", UtcDateTime),
    Index("ix_absences_pending_return", "handed_back", "ends_at"),
)

# An admin's word on one date (a holiday or a make-up workday), above the libraries and the overrides file.
holiday_overrides = Table(
    "holiday_overrides",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("created_by", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("number", String(32), nullable=False, unique=True),
    Column("workflow", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("location_id", String(64)),
    Column("address", String(300), nullable=False, server_default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("contact_name", String(100), nullable=False, server_default=""),
    Column("contact_phone", String(32), nullable=False, server_default=""),
    Column("street_id", String(64)),
    Column("community_id", String(64)),
    Column("grid_id", String(64)),
    Column("state", String(32), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("post_id", String(100), nullable=False),
    Column("holder_id", String(64)),
    Column("ack_passes", Integer, nullable=False, server_default=text("0")),
    Column("first_responder_id", String(64)),
    Column("first_responder_post_id", String(100)),
    Column("clock", String(16)),
    Column("due_at", UtcDateTime),
    Column("paused_clock", String(16)),
    Column("paused_remaining", Float),
    Column("overdue", Boolean, nullable=False),
    Column("needs_review", Boolean, nullable=False),
    Column("reopen_count", Integer, nullable=False),
    Column("callback_attempts", Integer, nullable=False),
    Column("satisfaction", String(32)),
    Column("resolution", Text),
    Column("referred_to", String(200)),
    Column("acknowledged_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("access_token_hash", String(64), unique=True),
    Column("ack_late", Boolean, nullable=False, server_default=text("false")),
    Column("contact_email", String(254), nullable=False, server_default=""),
    Column("notify_by", String(8), nullable=False, server_default="none"),
    Column("resident_language", String(8), nullable=False, server_default="zh_Hans"),
    Column("allowed_seconds", Float),
    Column("overdue_at", UtcDateTime),
    Column("urged_at", UtcDateTime),
    Column("warned_at", UtcDateTime),
    Column("mediation", String(16)),
    Column("mediation_agreement", Text),
    Column("mediated_at", UtcDateTime),
    Column("callback_post_id", String(100), index=True),
    Column("first_attempt_at", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("callback_means", String(8)),
    Column("solved", Boolean),
    Column("unsatisfied_count", Integer, nullable=False, server_default=text("0")),
    Column("termination_reason", Text),
    Column("termination_proposed_by", String(64)),
    Column("termination_proposed_at", UtcDateTime, index=True),
    # Set at opening (the district's calendar day); the roll-up's key refuses a ticket without it.
    Column("opened_on", Date),
    Index("ix_tickets_post_state", "post_id", "state"),
    Index("ix_tickets_holder_state", "holder_id", "state"),
    Index("ix_tickets_first_responder", "first_responder_id", "state"),
    Index("ix_tickets_community_state", "community_id", "state"),
    Index("ix_tickets_overdue", "overdue", "community_id"),
    Index("ix_tickets_created", "created_at"),
)

# Open tickets (a final state sets ``closed_at``): 3 % of a district's tickets after a few years.
OPEN = tickets.c.closed_at.is_(None)
# Open tickets on the overdue board: overdue, escalated or waiting for review. Queries repeat these exact
# terms (constants inline, not bound) so both databases see that the partial indexes below cover them.
ON_BOARD = and_(
    OPEN, or_(tickets.c.overdue == true(), tickets.c.tier > literal_column("0"), tickets.c.needs_review == true())
)

# The board, oldest first (the whole district; the overdue metric too) and by community (a supervisor's scope).
Index("ix_tickets_board", tickets.c.created_at, tickets.c.id, postgresql_where=ON_BOARD, sqlite_where=ON_BOARD)
Index(
    "ix_tickets_board_community",
    tickets.c.community_id,
    tickets.c.created_at,
    tickets.c.id,
    postgresql_where=ON_BOARD,
    sqlite_where=ON_BOARD,
)
# The API list, most urgent first (``due_at NULLS LAST, id``): every ticket, and open ones only.
Index("ix_tickets_due", tickets.c.due_at, tickets.c.id)
Index("ix_tickets_open_due", tickets.c.due_at, tickets.c.id, postgresql_where=OPEN, sqlite_where=OPEN)
# The callbacks due to a post or to the first responder, among open tickets only.
Index("ix_tickets_open_first_responder", tickets.c.first_responder_id, postgresql_where=OPEN, sqlite_where=OPEN)
Index("ix_tickets_open_callback_post", tickets.c.callback_post_id, postgresql_where=OPEN, sqlite_where=OPEN)
# The rates of a period in a supervisor's communities (by street, community or grid), the mediations recorded
# in it, and a street's tickets (a street supervisor's API list).
Index("ix_tickets_community_created", tickets.c.community_id, tickets.c.created_at)
MEDIATED = tickets.c.mediation.is_not(None)
Index("ix_tickets_mediated", tickets.c.mediated_at, postgresql_where=MEDIATED, sqlite_where=MEDIATED)
Index("ix_tickets_street", tickets.c.street_id)

# The rates' daily roll-up: per calendar day of opening (``opened_on``) and grid, the counts the rates are
# computed from (``RateCounts``), kept through triggers on ``tickets`` in the writing transaction
# (``ticketing.db.rollup``), so a period's rates are a small sum. '' stands for a ticket with no such unit.
RATE_COUNTS = (
    "base",
    "responded",
    "satisfied",
    "basically_satisfied",
    "solved",
    "by_phone",
    "by_link",
    "by_visit",
    "checked",
    "terminated",
    "returned",
)
daily_counts = Table(
    "daily_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("street_id", String(64), primary_key=True),
    Column("community_id", String(64), primary_key=True),
    Column("grid_id", String(64), primary_key=True),
    *(Column(name, Integer, nullable=False, server_default=text("0")) for name in RATE_COUNTS),
    Index("ix_daily_counts_community_day", "community_id", "day"),
)
# What each ticket write added to or took from the counts, appended by the triggers (no row is ever updated, so
# concurrent writers never wait on one another here); folded into ``daily_counts`` by the sweep; reads add both.
daily_count_changes = Table(
    "daily_count_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False),
    Column("street_id", String(64), nullable=False),
    Column("community_id", String(64), nullable=False),
    Column("grid_id", String(64), nullable=False),
    *(Column(name, Integer, nullable=False, server_default=text("0")) for name in RATE_COUNTS),
    # A reader takes the period's days: without it, it would read the whole table, dead rows of folded changes too.
    Index("ix_daily_count_changes_day", "day"),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", String(64)),
    Column("action", String(32), nullable=False),
    Column("from_state", String(32)),
    Column("to_state", String(32), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("post_id", String(100), nullable=False),
    Column("holder_id", String(64)),
    # What a person wrote; the rest of the line as codes, ids and numbers (``HistoryEntry.details``).
    Column("reason", Text, nullable=False, server_default=""),
    Column("details", JSON, nullable=False, server_default="{}"),
    Index("ix_history_ticket", "ticket_id", "id"),
)

ticket_joins = Table(
    "ticket_joins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("post_id", String(100), nullable=False),
    Column("invited_by", String(64), nullable=False),
    Column("invited_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    # Set when the invitation ends; a released row stays for the record (the history says it too).
    Column("released_by", String(64)),
    Column("released_at", UtcDateTime),
    Index("ix_ticket_joins_post_open", "post_id", "released_at"),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("clock", String(16)),
    Column("tier", Integer, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("fired_at", UtcDateTime),
    # What falls due: the deadline itself, a reminder before it (step = its percentage), 催办 or 通报.
    Column("kind", String(16), nullable=False, server_default="deadline"),
    Column("step", Integer, nullable=False, server_default=text("0")),
    Index("ix_deadlines_status_due", "status", "due_at", "id"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("recipient_id", String(64), nullable=False, index=True),
    Column("event", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    # The outbox: pending while next_attempt_at is set (cleared once sent or dead); the key travels with every try.
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime, index=True),
    Column("last_error", Text),
    Column("dead_at", UtcDateTime, index=True),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("file_name", String(100), nullable=False, unique=True),
    Column("content_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    # Who: a staff id, or none for the command line (an operator on the host).
    Column("actor_id", String(64)),
    Column("action", String(32), nullable=False),
    # What it was done to: a post, a staff member, an API key's name, a token id, the registry.
    Column("subject", String(200), nullable=False),
    Column("detail", JSON, nullable=False),
)

# 双报到: units (驻区单位) and in-service party members (在职党员) registered with a community.
registrants = Table(
    "registrants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("phone", String(32), nullable=False),
    Column("contact_name", String(100), nullable=False, server_default=""),
    Column("work_unit", String(200), nullable=False, server_default=""),
    Column("skills", String(500), nullable=False, server_default=""),
    Column("offer", String(500), nullable=False, server_default=""),
    Column("hours_per_month", Integer, nullable=False, server_default=text("0")),
    Column("status", String(16), nullable=False),
    Column("source", String(16), nullable=False),  # form, import or staff
    Column("registered_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Column("decided_by", String(64)),
    # The hash of the secret in the registrant's own link (their card and claims); none until one is issued.
    Column("link_hash", String(64), unique=True),
    Index("ix_registrants_community_id_status", "community_id", "status"),
    Index("ix_registrants_phone", "phone"),
)

volunteer_teams = Table(
    "volunteer_teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("units.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("brand", String(100), nullable=False, server_default=""),  # the service brand (服务品牌)
    Column("leader_id", Integer, ForeignKey("registrants.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("disbanded_at", UtcDateTime),
)

team_members = Table(
    "team_members",
    metadata,
    Column("team_id", Integer, ForeignKey("volunteer_teams.id"), primary_key=True),
    Column("registrant_id", Integer, ForeignKey("registrants.id"), primary_key=True, index=True),
)

# A community's service list (服务清单): needs, resources and projects; a need may come from a ticket.
service_items = Table(
    "service_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", String(100), nullable=False),
    Column("description", String(1000), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("people_wanted", Integer, nullable=False),
    Column("minutes_each", Integer, nullable=False, server_default=text("0")),
    Column("status", String(16), nullable=False),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), index=True),
    Column("created_by", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Index("ix_service_items_community_id_status", "community_id", "status"),
)

service_claims = Table(
    "service_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("service_items.id"), nullable=False, index=True),
    Column("registrant_id", Integer, ForeignKey("registrants.id"), index=True),
    Column("team_id", Integer, ForeignKey("volunteer_teams.id"), index=True),
    Column("people", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("entered_by", String(64)),  # the staff member who entered it for the claimant; none: their own link
    Column("decided_at", UtcDateTime),
    Column("decided_by", String(64)),
    Column("reason", String(200), nullable=False, server_default=""),
)

# Record cards (服务记录卡): each piece of service on a member's, unit's or team's card.
service_records = Table(
    "service_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("registrant_id", Integer, ForeignKey("registrants.id"), index=True),
    Column("team_id", Integer, ForeignKey("volunteer_teams.id"), index=True),
    Column("claim_id", Integer, ForeignKey("service_claims.id"), index=True),
    Column("item_id", Integer, ForeignKey("service_items.id")),
    Column("ticket_id", Integer, ForeignKey("tickets.id")),
    Column("served_on", Date, nullable=False),
    Column("minutes", Integer, nullable=False),  # each person's
    Column("people", Integer, nullable=False, server_default=text("1")),
    Column("what", String(500), nullable=False),
    Column("confirmed_by", String(64)),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_service_records_community_id_served_on", "community_id", "served_on"),
)
