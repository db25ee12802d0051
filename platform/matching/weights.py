"""The score weights in force: the defaults, with those the settings name in their place."""

from __future__ import annotations

import math

from core.settings import Settings
from matching.scoring import DEFAULT_WEIGHTS, Component


def weights_from(settings: Settings) -> dict[Component, float]:
    """The default weights with the configured ones in their place. A misspelt component or a
    negative weight is an error, never a silently different ranking."""
    known = sorted(component.value for component in Component)
    unknown = sorted(set(settings.match_weights) - set(known))
    if unknown:
        msg = (
            f"XIANGXING_MATCH_WEIGHTS names unknown components {', '.join(unknown)}; "
            f"the components are {', '.join(known)}"
        )
        raise ValueError(msg)
    bad = sorted(
        name
        for name, weight in settings.match_weights.items()
        if not math.isfinite(weight) or weight < 0
    )
    if bad:
        msg = f"XIANGXING_MATCH_WEIGHTS: weights must be finite and at least 0 ({', '.join(bad)})"
        raise ValueError(msg)
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({Component(name): w for name, w in settings.match_weights.items()})
    if sum(weights.values()) <= 0:
        msg = "XIANGXING_MATCH_WEIGHTS: at least one weight must be above 0"
        raise ValueError(msg)
    return weights
