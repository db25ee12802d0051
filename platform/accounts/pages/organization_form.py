"""The organization form page, shared by self-registration and the administrators' form."""

from __future__ import annotations

from typing import Any

from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from accounts.models import OrganizationType, Origin, RegistrationLevel
from core.categories import TopCategory
from core.errors import InvalidInput
from core.forms import form_values

LIST_FIELDS = frozenset({"focus_categories", "service_region_codes"})


def organization_values(form: Any) -> dict[str, Any]:
    """The submitted organization form, with the Party-branch checkbox as a yes/no."""
    values = form_values(form, LIST_FIELDS)
    values["has_party_branch"] = "has_party_branch" in values
    return values


def organization_form(
    template: str, values: dict[str, Any], error: InvalidInput | None = None
) -> Template:
    """The form with its choices, re-shown with the problems (400) when it failed."""
    values.pop("password", None)
    values.pop("password_again", None)
    return Template(
        template,
        context={
            "values": values,
            "error": error,
            "org_types": list(OrganizationType),
            "origins": list(Origin),
            "levels": list(RegistrationLevel),
            "categories": list(TopCategory),
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )
