"""The audit log for administrators: the page (in words, filtered, paged) and its .xlsx
download with the same filters. Who may read it is ``accounts.policy.reads_audit_log``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Response, Template

from accounts.audit_log import AuditFilters, AuditLogService, provide_audit_log
from accounts.audit_words import ACTION_GROUPS, OBJECT_TYPES, object_label, phrase
from accounts.audit_workbook import audit_attachment, labelled
from accounts.identity import Identity
from accounts.models import Role
from core.access import roles
from core.audit import REDACTED
from core.clock import Clock, local_date
from core.errors import N_
from core.i18n import locale_of, translate
from core.pagination import PageRequest, provide_page_request

Filter = Annotated[str | None, QueryParameter(max_length=64)]


async def provide_audit_filters(
    action: Filter = None,
    object_type: Filter = None,
    actor: Filter = None,
    date_from: Annotated[str | None, QueryParameter(name="from", max_length=32)] = None,
    date_to: Annotated[str | None, QueryParameter(name="to", max_length=32)] = None,
) -> AuditFilters:
    """The page's and the download's filters, from the same query string."""
    return AuditFilters.from_query(
        action=action, object_type=object_type, actor=actor, date_from=date_from, date_to=date_to
    )


def filters_in_words(filters: AuditFilters, locale: str) -> list[str]:
    """The filters in force, as the download's title names them."""
    said = []
    if filters.action:
        said.append((N_("Action"), translate(locale, phrase(filters.action))))
    if filters.object_type:
        said.append((N_("Object type"), translate(locale, object_label(filters.object_type))))
    if filters.actor_username:
        said.append((N_("By"), filters.actor_username))
    if filters.date_from:
        said.append((N_("From"), filters.date_from.isoformat()))
    if filters.date_to:
        said.append((N_("To"), filters.date_to.isoformat()))
    return [labelled(locale, translate(locale, label), value) for label, value in said]


class AuditLogController(Controller):
    path = "/admin"
    dependencies = {
        "audit_log": Provide(provide_audit_log),
        "page_request": Provide(provide_page_request),
        "filters": Provide(provide_audit_filters),
    }
    include_in_schema = False
    opt = roles(Role.ADMIN)

    @get("/audit", name="admin:audit")
    async def audit(
        self,
        request: Request[Identity, Any, Any],
        audit_log: NamedDependency[AuditLogService],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[AuditFilters],
    ) -> Template:
        return Template(
            "admin/audit.html",
            context={
                "page": await audit_log.page(request.user, page_request, filters),
                "people": await audit_log.people(),
                "filters": filters.query(),
                "action_groups": ACTION_GROUPS,
                "object_types": OBJECT_TYPES,
                "roles_by_value": {role.value: role for role in Role},
                "redacted": REDACTED,
            },
        )

    @get("/audit.xlsx", name="admin:audit-xlsx")
    async def audit_xlsx(
        self,
        request: Request[Identity, Any, Any],
        audit_log: NamedDependency[AuditLogService],
        clock: NamedDependency[Clock],
        filters: NamedDependency[AuditFilters],
    ) -> Response[bytes]:
        """Every entry the filters match (at most ``EXPORT_LIMIT``), newest first."""
        locale = locale_of(request)
        lines = await audit_log.export(request.user, filters)
        return audit_attachment(
            lines, filters_in_words(filters, locale), local_date(clock()), locale
        )
