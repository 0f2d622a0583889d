"""The organisation as staff read it: streets and communities, and one community's units and posts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ticketing.domain.org import Holding, PostKind, Unit, UnitKind
from ticketing.read import admin
from ticketing.schemas.base import Answer, Request
from ticketing.schemas.fields import IDENTIFIER, text
from ticketing.schemas.tickets import Count

Community = Annotated[str | None, text(IDENTIFIER, required=False)]


class OrganisationQuery(Request):
    community: Community = Field(None, description="The community to show (default: the intake community).")


class Holder(Answer):
    id: str
    name: str
    absent: bool


class OrganisationPost(Answer):
    id: str
    kind: PostKind
    unit_id: str
    holder_a: Holder
    holder_b: Holder
    more_holders: list[Holder] = Field(description="The holders after B, in order (the police post's auxiliaries).")
    calendar_id: str
    held_by: Holding = Field(description="staff: community staff; volunteer: 楼长, 街长, 店长 (day-time hours).")

    @classmethod
    def of(cls, view: admin.PostView) -> OrganisationPost:
        def holder(found: admin.Holder) -> Holder:
            return Holder(id=found.id, name=found.name, absent=found.absent)

        post = view.post
        return cls(
            id=post.id,
            kind=post.kind,
            unit_id=post.unit_id,
            holder_a=holder(view.a),
            holder_b=holder(view.b),
            more_holders=[holder(more) for more in view.more],
            calendar_id=view.calendar_id,
            held_by=view.held_by,
        )


class UnitRef(Answer):
    id: str
    name: str

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        return cls(id=unit.id, name=unit.name)


class Street(Answer):
    id: str
    name: str
    posts: list[OrganisationPost]
    communities: list[UnitRef]


class OrganisationUnit(Answer):
    id: str
    kind: UnitKind
    name: str
    parent_id: str | None
    depth: Count
    posts: list[OrganisationPost]


class Organisation(Answer):
    community: UnitRef | None
    streets: list[Street]
    units: list[OrganisationUnit]

    @classmethod
    def of(cls, found: admin.OrganisationView) -> Organisation:
        return cls(
            community=UnitRef.of(found.community) if found.community else None,
            streets=[
                Street(
                    id=entry.street.id,
                    name=entry.street.name,
                    posts=[OrganisationPost.of(view) for row in entry.rows for view in row.posts],
                    communities=[UnitRef.of(unit) for unit in entry.communities],
                )
                for entry in found.streets
            ],
            units=[
                OrganisationUnit(
                    id=row.unit.id,
                    kind=row.unit.kind,
                    name=row.unit.name,
                    parent_id=row.unit.parent_id,
                    depth=row.depth,
                    posts=[OrganisationPost.of(view) for view in row.posts],
                )
                for section in found.sections
                for row in section.rows
            ],
        )
