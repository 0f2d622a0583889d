"""The type of a result row of any width: SQLAlchemy 2.1's ``Row`` is generic over each column's type."""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Row

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
