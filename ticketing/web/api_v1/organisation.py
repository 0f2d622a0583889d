"""The registry as staff read it: the streets, and one community's units and posts with their holders."""

from __future__ import annotations

from ticketing.read import admin
from ticketing.schemas.organisation import Organisation as OrganisationView
from ticketing.schemas.organisation import OrganisationQuery
from ticketing.web.api_v1.blueprint import answers, api, bp
from ticketing.web.context import now, service


@bp.get("/organisation")
@api.validate(resp=answers(200, OrganisationView, 404, 422), tags=["organisation"], operation_id="organisation")
def organisation(query: OrganisationQuery) -> OrganisationView:
    """The streets and one community's units and posts with their A and B holders"""
    return OrganisationView.of(admin.organisation_view(service(), query.community, now()))
