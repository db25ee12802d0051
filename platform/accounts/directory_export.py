"""The administrators' lists of organizations and users as .xlsx, the rows the list shows
under the same filters. A user's row never carries a password hash, a token or a session:
only what the users page shows, and what an administrator needs to follow up."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from accounts.models import Organization, User
from core.categories import TopCategory
from core.clock import local_date
from core.errors import N_
from core.i18n import listing, translate
from core.workbooks import Columns, beijing, table_workbook

ORGANIZATION_COLUMNS: Columns = (
    (N_("Name"), 30),
    (N_("Unified social credit code"), 20),
    (N_("Type"), 16),
    (N_("Origin"), 12),
    (N_("Registered with"), 12),
    (N_("Has a Party branch"), 8),
    (N_("Fields of work"), 24),
    (N_("Where it serves"), 30),
    (N_("Contact person"), 12),
    (N_("Contact phone"), 16),
    (N_("Verification"), 12),
    (N_("Verified on"), 12),
    (N_("Created"), 12),
    (N_("Link"), 40),
)
USER_COLUMNS: Columns = (
    (N_("User name"), 16),
    (N_("Full name"), 14),
    (N_("Roles"), 24),
    (N_("Reviews"), 24),
    (N_("Belongs to"), 28),
    (N_("State"), 10),
    (N_("Locked until (China time)"), 17),
    (N_("Must change password"), 10),
    (N_("Last sign-in (China time)"), 17),
    (N_("Created"), 12),
    (N_("Link"), 40),
)
YES = N_("Yes")


def _day(moment: datetime | None) -> date | None:
    return local_date(moment) if moment else None


def _categories(codes: Iterable[str], locale: str) -> str:
    known = {category.value for category in TopCategory}
    return listing(
        locale, (translate(locale, TopCategory(code).label) for code in codes if code in known)
    )


def organizations_workbook(
    organizations: Iterable[Organization], locale: str, link: Callable[[Organization], str]
) -> bytes:
    def text(message: str) -> str:
        return translate(locale, message)

    rows = (
        [
            o.name,
            o.credit_code,
            text(o.org_type.label),
            text(o.origin.label),
            text(o.registration_level.label),
            text(YES) if o.has_party_branch else "",
            _categories(o.focus_categories, locale),
            listing(locale, (region.full_name for region in o.service_regions)),
            o.contact_name,
            o.contact_phone,
            text(o.verification.label),
            _day(o.verified_at),
            _day(o.created_at),
            link(o),
        ]
        for o in organizations
    )
    return table_workbook(N_("Organizations"), ORGANIZATION_COLUMNS, rows, locale)


def users_workbook(
    users: Iterable[User], now: datetime, locale: str, link: Callable[[User], str]
) -> bytes:
    def text(message: str) -> str:
        return translate(locale, message)

    rows = (
        [
            u.username,
            u.display_name,
            listing(locale, (text(role.label) for role in sorted(u.role_set))),
            _categories(u.reviewer_categories, locale),
            u.affiliation_name,
            text(N_("Active")) if u.is_active else text(N_("Deactivated")),
            beijing(u.locked_until) if u.locked_until and u.locked_until > now else None,
            text(YES) if u.must_change_password else "",
            beijing(u.last_login_at),
            _day(u.created_at),
            link(u),
        ]
        for u in users
    )
    return table_workbook(N_("Users"), USER_COLUMNS, rows, locale)
