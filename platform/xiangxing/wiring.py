"""How the packages are plugged into one another: what higher packages do when a lower one
announces (`core.hooks`), and where matching reads track records (its port). The app calls it
when it is built, the planning process before it plans; a module apart keeps the latter's
imports light."""

from __future__ import annotations

from funds import rollup as funds_rollup
from matching import lifecycle as matching_lifecycle
from matching.track_record import use_track_record
from outcomes.track_record import AgreementTrackRecord


def register_listeners() -> None:
    matching_lifecycle.register()
    funds_rollup.register()
    use_track_record(AgreementTrackRecord())
