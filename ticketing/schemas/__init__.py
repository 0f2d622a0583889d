"""The APIs' models: what the staff API (``/api/v1``), Open311 and the CLI's ``--json`` read and write.

They are pydantic models, each module one resource: requests are validated
with them, answers are made of them, and the OpenAPI documents are generated
from them (``ticketing.web.apidoc``).  Their field types (``fields``) are made
from the domain's field rules, which the web forms and the intake check use too.
Nothing here imports Flask, so the CLI prints the same models as the API.
"""
