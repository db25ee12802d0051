""" "为什么推荐" as a sentence in the reader's language, built from the components that weighed
most in the score ("同属产业·种植；服务范围覆盖彝良县以勒镇；还可提供 20,000 元", in English "Both
in Industry·Planting; Serves …; Can still give 20,000 yuan"): units, numbers and separators
follow the language too. The bars stay as the detail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from catalogue.categories import read_categories
from catalogue.models import Category
from core.errors import N_, InvalidInput
from core.i18n import clauses, listing, translate
from core.units import quantity
from demand.models import Need, Urgency
from matching.amounts import line_pairs
from matching.facts import entry_words
from matching.scoring import DEFAULT_WEIGHTS, Component
from supply.models import Offer

SHOWN = 3
SHARED_WORDS = 3


@cache
def _categories() -> dict[str, Category]:
    return {category.code: category for category in read_categories()}


def _category_name(code: str, locale: str) -> str:
    category = _categories().get(code)
    if category is None:
        return code
    top = _categories().get(category.parent_code or "")
    return f"{top.name(locale)}·{category.name(locale)}" if top else category.name(locale)


def _phrase(component: Component, value: float, need: Need, offer: Offer, locale: str) -> str:
    """The component said in words, or "" when there is nothing worth saying."""
    match component:
        case Component.CATEGORY:
            need_name = _category_name(need.subcategory_code, locale)
            if need.subcategory_code == offer.subcategory_code:
                return translate(locale, N_("Both in %(category)s"), {"category": need_name})
            offer_name = _category_name(offer.subcategory_code, locale)
            return translate(
                locale,
                N_("%(offer)s serves %(need)s"),
                {"offer": offer_name, "need": need_name},
            )
        case Component.GEOGRAPHY:
            return translate(locale, N_("Serves %(place)s"), {"place": need.region_name})
        case Component.TEXT:
            shared = sorted(
                entry_words(need.title, need.description)
                & entry_words(offer.title, offer.description),
                key=lambda word: (-len(word), word),
            )[:SHARED_WORDS]
            if not shared:
                return ""
            return translate(
                locale, N_("Both mention %(words)s"), {"words": listing(locale, shared)}
            )
        case Component.CAPACITY:
            try:
                first = line_pairs(need, offer, None)[0]
            except InvalidInput:
                return ""
            return translate(
                locale,
                N_("Can still give %(quantity)s"),
                {"quantity": quantity(locale, first.amount, first.offer_line.amount_unit)},
            )
        case Component.URGENCY:
            return translate(locale, N_("Marked urgent")) if need.urgency is Urgency.RED else ""
        case Component.TRACK_RECORD:
            # agreements and reports are not recorded yet: every organization is new here
            return translate(locale, N_("A newly joined organization"))
        case Component.FAIRNESS:
            return translate(locale, N_("The village holds no pairing yet")) if value >= 1 else ""
    return ""


def why_sentence(
    parts: Mapping[str, float],
    need: Need,
    offer: Offer,
    locale: str,
    weights: Mapping[Component, float] = DEFAULT_WEIGHTS,
) -> str:
    """The best-weighing components that have something to say, most weight first."""
    ranked = sorted(
        Component, key=lambda component: -weights[component] * parts.get(component.value, 0.0)
    )
    phrases = []
    for component in ranked:
        value = parts.get(component.value, 0.0)
        if value <= 0:
            continue
        phrase = _phrase(component, value, need, offer, locale)
        if phrase:
            phrases.append(phrase)
        if len(phrases) == SHOWN:
            break
    return clauses(locale, phrases)


def sentence_maker(locale: str, weights: Mapping[Component, float]) -> Callable[..., str]:
    """For templates: ``why_sentence(parts, need, offer)`` in the page's language."""

    def make(parts: Mapping[str, float], need: Need, offer: Offer) -> str:
        return why_sentence(parts, need, offer, locale, weights)

    return make
