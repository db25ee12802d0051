"""The Jinja environment: gettext in the visitor's language, number formatting, helpers."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from babel.numbers import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from markupsafe import Markup, escape

from core.clock import local_time
from core.errors import DomainError
from core.forms import ErrorSummary, error_summary
from core.i18n import (
    HTML_LANG,
    LIST_SEPARATOR,
    LOCALE_NAMES,
    LOCALES,
    babel_locale,
    clauses,
    listing,
    locale_of,
    translate,
    translations,
)
from core.idempotency import FORM_PARAMETER
from core.paths import TEMPLATES_DIR
from core.units import quantity, unit_name


def _locale(context: Context) -> str:
    request = context.get("request")
    return locale_of(request) if request is not None else LOCALES[0]


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()``: the text in the visitor's language, filled as Jinja's new-style gettext fills
    it (always as a format string, marked safe where the page autoescapes). Done in one call:
    Jinja's own wrapper and its ``_`` alias add two more context calls to each of the page's
    translated texts."""
    return _filled(context, translations(_locale(context)).gettext(message), variables)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int, **variables: Any) -> str:
    """``ngettext()`` the same way, its count filled in as ``num`` unless named."""
    variables.setdefault("num", count)
    text = translations(_locale(context)).ngettext(singular, plural, count)
    return _filled(context, text, variables)


def _filled(context: Context, text: str, variables: dict[str, Any]) -> str:
    """The translators' text is trusted as markup, as Jinja's i18n trusts it; the values
    filled in are escaped by ``Markup``'s ``%``."""
    if context.eval_ctx.autoescape:
        return Markup(text) % variables  # noqa: S704 - our own catalog's text
    return text % variables


@pass_context
def _current_user(context: Context) -> Any:
    """The signed-in identity, or None (also on pages served outside authentication)."""
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def _current_locale(context: Context) -> str:
    return _locale(context)


@pass_context
def _number(context: Context, value: Any) -> str:
    """Group digits the way the visitor's language does (1,402)."""
    return format_decimal(value, locale=babel_locale(_locale(context)))


@pass_context
def _money(context: Context, value: Any) -> str:
    """An amount with two places and grouped digits (1,200,000.00): exact figures in tables."""
    return format_decimal(value, format="#,##0.00", locale=babel_locale(_locale(context)))


@pass_context
def _quantity(context: Context, value: Any, unit: str) -> str:
    """A number with its unit in the visitor's language: 350 人 / 350 people."""
    return quantity(_locale(context), value, unit)


@pass_context
def _unit(context: Context, unit: str, amount: Any = None) -> str:
    """A stored unit (元, 人天, 套 …) in the visitor's language."""
    return unit_name(_locale(context), unit, amount)


@pass_context
def _listing(context: Context, items: Iterable[Any]) -> str:
    """Names joined the visitor's way: 养老、托育 / elderly care, childcare."""
    return listing(_locale(context), items)


@pass_context
def _clauses(context: Context, items: Iterable[Any]) -> str:
    """Sentences run together the visitor's way (several problems of one field)."""
    return clauses(_locale(context), items)


@pass_context
def _list_separator(context: Context) -> str:
    """What goes between two names of a list written out in a loop."""
    return LIST_SEPARATOR.get(_locale(context), ", ")


@pass_context
def _error_text(context: Context, error: DomainError | None) -> str:
    """The translated headline of an error (a failed form), or nothing."""
    if error is None:
        return ""
    return translate(_locale(context), error.message, error.params)


@pass_context
def _field_errors(context: Context, error: DomainError | None) -> dict[str, list[str]]:
    """Translated problems of a failed form, by field name, to show beside each field; a page
    shown before any post names no error at all (undefined, which is false)."""
    found: dict[str, list[str]] = {}
    for problem in error.problems if error else []:
        text = translate(_locale(context), problem.message, problem.params)
        found.setdefault(problem.field, []).append(text)
    return found


@pass_context
def _error_summary(context: Context, error: DomainError | None) -> ErrorSummary | None:
    """The summary a failed form shows at its top (``_partials/forms.html``), or None."""
    return error_summary(error, _locale(context)) if isinstance(error, DomainError) else None


@pass_context
def _labelled(context: Context, members: Iterable[Any]) -> list[tuple[str, str]]:
    """(value, translated label) pairs of enum members that carry a ``label``: form options."""
    catalog = translations(_locale(context))
    return [(member.value, catalog.gettext(member.label)) for member in members]


@pass_context
def _translated(context: Context, messages: Mapping[Any, str]) -> dict[Any, str]:
    """A table of message ids translated in one call, for a page that looks the same few up
    on every row (the state of each card)."""
    catalog = translations(_locale(context))
    return {key: catalog.gettext(message) for key, message in messages.items()}


@pass_context
def _options(context: Context, choices: Iterable[Any], chosen: Any = None) -> Markup:
    """The ``<option>`` elements of a choice list, the chosen one selected, in one call.

    A choice is a ``(value, text)`` pair, a division (``code``, ``short_name``) or a category
    (``code``, ``name(locale)``); ``chosen`` is a value or an enum member. One helper for every
    filter and form instead of a template loop apiece (a catalogue page offers about a hundred
    choices)."""
    locale = _locale(context)
    chosen_value = getattr(chosen, "value", chosen)
    rendered = []
    for choice in choices:
        value, text = _value_and_text(choice, locale)
        selected = " selected" if chosen_value is not None and value == chosen_value else ""
        rendered.append(f'<option value="{escape(value)}"{selected}>{escape(text)}</option>')
    return Markup("".join(rendered))  # noqa: S704 - every value and text was escaped above


def _value_and_text(choice: Any, locale: str) -> tuple[Any, Any]:
    if isinstance(choice, tuple):
        return choice
    if hasattr(choice, "short_name"):
        return choice.code, choice.short_name
    return choice.code, choice.name(locale)


@pass_context
def _label(context: Context, member: Any) -> str:
    """The translated label of one enum member."""
    return translations(_locale(context)).gettext(member.label)


def once_action(action: str) -> str:
    """A form's action with a one-time key (``core.idempotency``): a double-clicked submit
    creates one thing, and the second click gets the first answer."""
    return f"{action}?{FORM_PARAMETER}={secrets.token_urlsafe(16)}"


def _configure(engine: JinjaTemplateEngine) -> None:
    environment = engine.engine
    environment.add_extension("jinja2.ext.i18n")
    # What `install_gettext_callables(..., newstyle=True)` sets, with callables that are
    # new-style themselves (`_` included) instead of Jinja's wrappers around them.
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    environment.globals.update(
        _=_gettext,
        gettext=_gettext,
        ngettext=_ngettext,
        current_locale=_current_locale,
        current_user=_current_user,
        error_text=_error_text,
        error_summary=_error_summary,
        labelled=_labelled,
        translated=_translated,
        label=_label,
        options=_options,
        field_errors=_field_errors,
        locales=LOCALES,
        locale_names=LOCALE_NAMES,
        html_lang=HTML_LANG,
        once=once_action,
        local_time=local_time,
        list_separator=_list_separator,
    )
    environment.filters["number"] = _number
    environment.filters["money"] = _money
    environment.filters["quantity"] = _quantity
    environment.filters["unit"] = _unit
    environment.filters["listing"] = _listing
    environment.filters["clauses"] = _clauses
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    environment.trim_blocks = True
    environment.lstrip_blocks = True
    # Templates change only with a new release (a restart): no stat of every template file
    # on every page.
    environment.auto_reload = False


def build_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES_DIR, engine=JinjaTemplateEngine, engine_callback=_configure
    )
