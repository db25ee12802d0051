"""Every route that creates answers a double submission once (issue 10, item 7).

The app's route table is walked: each POST route either opts in with ``IDEMPOTENT`` (a form's
one-time key or an ``Idempotency-Key`` makes a second send a replay of the first answer) or is
listed below with the reason it needs none. A new create route, page or API, fails here until
it opts in or says why not."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute

CHANGES_WHAT_EXISTS = {
    "/login": "signs in: a second sign-in is a new session, as the first",
    "/logout": "ends the session: a second send finds it ended",
    "/account/password": "a second change to the same password changes nothing more",
    "/account/tokens/{token_id:uuid}/revoke": "revokes an existing token",
    "/account/station": "edits the station's existing contact",
    "/admin/users/{user_id:uuid}/activate": "sets a state",
    "/admin/users/{user_id:uuid}/deactivate": "sets a state",
    "/admin/users/{user_id:uuid}/unlock": "sets a state",
    "/admin/users/{user_id:uuid}/edit": "edits an existing account",
    "/admin/organizations/{organization_id:uuid}/verification": "sets a state",
    "/admin/organizations/{organization_id:uuid}/edit": "edits an existing organization",
    "/admin/departments/{department_id:uuid}": "renames an existing department",
    "/admin/stations/{station_id:uuid}": "edits an existing station",
    "/api/v1/organizations/{organization_id:uuid}/{verification:str}": "sets a state",
    "/api/v1/users/{user_id:uuid}/activate": "sets a state",
    "/api/v1/users/{user_id:uuid}/deactivate": "sets a state",
    "/api/v1/users/{user_id:uuid}/unlock": "sets a state",
    "/api/v1/needs/{need_id:uuid}/{step:str}": "a step refused from the wrong state",
    "/api/v1/offers/{offer_id:uuid}/{step:str}": "a step refused from the wrong state",
    "/api/v1/needs/{need_id:uuid}/verify": "sets a mark",
    "/api/v1/proposals/{proposal_id:uuid}/{step:str}": "a step refused from the wrong state",
    "/api/v1/agreements/{agreement_id:uuid}/{step:str}": "a step with a version check",
    "/agreements/{agreement_id:uuid}/{step:str}": "a step with a version check",
    "/api/v1/agreements/{agreement_id:uuid}/reports/{report_id:uuid}/{step:str}": (
        "a step with a version check"
    ),
    "/api/v1/events/{event_id:uuid}/plan": "replaces the event's plan",
    "/catalogue/needs/{need_id:uuid}/step/{step:str}": "a step refused from the wrong state",
    "/catalogue/offers/{offer_id:uuid}/step/{step:str}": "a step refused from the wrong state",
    "/review/approve": "each entry's step with the version seen, refused the second time",
    "/catalogue/needs/{need_id:uuid}/verify": "sets a mark",
    "/my/needs/{need_id:uuid}/edit": "edits with a version check",
    "/my/offers/{offer_id:uuid}/edit": "edits with a version check",
    "/my/needs/{need_id:uuid}/photos/{photo_id:uuid}/delete": "deletes",
    "/catalogue/delete/{kind:str}/{entry_id:uuid}": "deletes: a second send finds it gone",
    "/events/{event_id:uuid}/{action:str}": "plans again, drops, or adds a pair refused twice",
    "/notices/{notice_id:uuid}/read": "sets a mark",
    "/proposals/{proposal_id:uuid}/{step:str}": "a step refused from the wrong state",
}
SECRET_ANSWERS = {
    "/admin/users/{user_id:uuid}/reset-password": "shows the temporary password once",
    "/account/tokens": "shows the new token's secret once: a kept answer would keep the secret",
    "/api/v1/auth/token": "answers a new token's secret: a kept answer would keep the secret",
}


def _post_routes(app: Litestar) -> dict[str, bool]:
    """Path → whether its POST handler opted in to idempotency keys."""
    found: dict[str, bool] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if "POST" in handler.http_methods:
                    found[route.path] = bool(handler.opt.get("idempotent"))
    return found


async def test_every_route_that_creates_is_idempotent(app: Litestar) -> None:
    routes = _post_routes(app)
    exempt = CHANGES_WHAT_EXISTS.keys() | SECRET_ANSWERS.keys()
    forgotten = sorted(path for path, idempotent in routes.items() if not idempotent)
    assert [path for path in forgotten if path not in exempt] == [], (
        "a POST route neither opts in with opt=IDEMPOTENT (and a once() form action) nor says "
        "here why a second send needs no replay"
    )
    assert sorted(path for path in exempt if routes.get(path, False)) == [], (
        "an idempotent route is still listed as needing none"
    )
    assert sorted(exempt - routes.keys()) == [], "a listed route no longer exists"


async def test_the_forms_that_create_are_among_them(app: Litestar) -> None:
    routes = _post_routes(app)
    creating_forms = [
        "/register",
        "/my/needs/new",
        "/my/offers/new",
        "/my/needs/{need_id:uuid}/photos",
        "/import/needs",
        "/import/offers",
        "/proposals/new",
        "/agreements/new",
        "/agreements/paper/new",
        "/agreements/{agreement_id:uuid}/indicators",
        "/events",
        "/events/{event_id:uuid}/confirm",
        "/admin/users/new",
        "/admin/organizations/new",
        "/admin/stations/new",
        "/admin/departments/new",
    ]
    assert {path: routes.get(path) for path in creating_forms} == dict.fromkeys(
        creating_forms, True
    )
