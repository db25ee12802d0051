"""What the home page promises each kind of visitor, each promise a named route of the app:
a promise whose route does not exist fails the page (and its test) instead of leading to a
404. Each link is resolved for the visitor by the same rule the app-wide guard applies
(``core.access.admits``): open where the visitor may go, through the sign-in page (which
returns there) for an anonymous visitor, and plain text for a signed-in visitor without the
role, who would only meet a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Litestar

from core.access import admits
from core.errors import N_


@dataclass(frozen=True, slots=True)
class Promise:
    label: str
    route: str
    query: str = ""


@dataclass(frozen=True, slots=True)
class Audience:
    key: str
    title: str
    summary: str
    promises: tuple[Promise, ...]


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    href: str | None
    """None: the visitor is signed in without the role the page needs."""
    through_sign_in: bool = False


@dataclass(frozen=True, slots=True)
class Offer:
    """One audience as one visitor sees it."""

    key: str
    title: str
    summary: str
    links: list[Link]


AUDIENCES = (
    Audience(
        "station",
        N_("Township social-work stations"),
        N_(
            "Post the needs of the township's villages with their urgency, one by one or from a "
            "spreadsheet; answer the pairing proposals of organizations; confirm the funds and "
            "goods that arrive and approve the progress reports."
        ),
        (
            Promise(N_("Post a need"), "my:need-new"),
            Promise(N_("My needs"), "my:needs"),
            Promise(N_("Import needs"), "import:needs"),
            Promise(N_("Proposals"), "matching:proposals"),
            Promise(N_("To do"), "followup:todo"),
        ),
    ),
    Audience(
        "organization",
        N_("Social organizations"),
        N_(
            "Publish offers of funds, goods, skills, services and purchasing; see the needs "
            "suggested for each offer and propose pairings; sign agreements, record "
            "disbursements and expenditures, and file progress reports."
        ),
        (
            Promise(N_("Register an organization"), "register"),
            Promise(N_("Publish an offer"), "my:offer-new"),
            Promise(N_("My offers"), "my:offers"),
            Promise(N_("Proposals"), "matching:proposals"),
            Promise(N_("My agreements"), "agreements:mine"),
            Promise(N_("To do"), "followup:todo"),
        ),
    ),
    Audience(
        "reviewer",
        N_("Civil-affairs and department reviewers"),
        N_(
            "Review entries into the catalogue; pair needs and offers on the matching "
            "workbench and plan signing events; follow every project through its alerts, the "
            "half-year review and the commendation list."
        ),
        (
            Promise(N_("Review queue"), "review:index"),
            Promise(N_("Matching workbench"), "matching:workbench"),
            Promise(N_("Signing events"), "matching:events"),
            Promise(N_("Alerts"), "followup:alerts"),
        ),
    ),
    Audience(
        "viewer",
        N_("Leaders and departments"),
        N_(
            "Read the dashboard with its county map and download its workbook; read the "
            "half-year review and the commendation list. Nothing here changes the records."
        ),
        (
            Promise(N_("Dashboard"), "monitoring:dashboard"),
            Promise(N_("Half-year review"), "monitoring:review"),
            Promise(N_("Commendation list"), "monitoring:commendation"),
        ),
    ),
    Audience(
        "public",
        N_("The public"),
        N_(
            "Browse and search the published catalogue by category and county, without private "
            "contact data; read the signed agreements with their funds on the transparency "
            "page, also as a CSV file and as IATI open data."
        ),
        (
            Promise(N_("Catalogue"), "catalogue:index"),
            Promise(N_("Search"), "search:index"),
            Promise(N_("Counties"), "regions:index"),
            Promise(N_("Agreements and funds made public"), "monitoring:transparency"),
            Promise(N_("Open data (IATI XML)"), "monitoring:iati"),
        ),
    ),
)


def link_for(app: Litestar, identity: Any, promise: Promise) -> Link:
    """The promise as a link this visitor can follow."""
    handler = app.get_handler_index_by_name(promise.route)
    if handler is None:
        raise LookupError(f"The home page promises a page that does not exist: {promise.route}")
    path = app.route_reverse(promise.route) + promise.query
    if admits(identity, handler["handler"]):
        return Link(promise.label, path)
    if identity is None:
        return Link(promise.label, f"/login?next={quote(path, safe='/')}", through_sign_in=True)
    return Link(promise.label, None)


def offers_for(app: Litestar, identity: Any) -> list[Offer]:
    return [
        Offer(
            audience.key,
            audience.title,
            audience.summary,
            [link_for(app, identity, promise) for promise in audience.promises],
        )
        for audience in AUDIENCES
    ]
