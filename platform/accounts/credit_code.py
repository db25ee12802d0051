"""The 18-character unified social credit code (统一社会信用代码, GB 32100-2015).

Every organization registering on the platform identifies itself with this code. Checking its
structure and check character here catches typing mistakes before anyone reviews the
application; whether the code is really registered is for the reviewer to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import N_

#: The 31 characters of the code, in the order of their values 0..30 (no I, O, Z, S, V).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(CHARSET)}
#: Weights of positions 1..17: 3 ** (i - 1) mod 31.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

CIVIL_AFFAIRS = "5"
#: Civil-affairs categories: 1 社会团体, 2 民办非企业单位 (社会服务机构), 3 基金会, 9 其他.
SOCIAL_ORGANIZATION_CATEGORIES = frozenset("1239")

# Full-width digits and Latin letters (as typed with a Chinese input method) to half-width.
_HALF_WIDTH = {
    code: code - 0xFEE0
    for start, end in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for code in range(ord(start), ord(end) + 1)
}


class InvalidCreditCode(ValueError):
    """The text is not a well-formed unified social credit code."""

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message


def _check_characters(text: str) -> None:
    if any(char not in VALUES for char in text):
        raise InvalidCreditCode(
            "invalid_character",
            N_(
                "A unified social credit code uses only digits and capital letters "
                "other than I, O, S, V and Z."
            ),
        )


def check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a code."""
    if len(first17) != LENGTH - 1:
        raise InvalidCreditCode(
            "wrong_length", N_("The check character is computed from 17 characters.")
        )
    _check_characters(first17)
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


@dataclass(frozen=True, slots=True)
class CreditCode:
    """A unified social credit code whose structure and check character are valid."""

    text: str

    @classmethod
    def parse(cls, text: str) -> CreditCode:
        """Normalise the typed text (spaces, case, full width) and validate it."""
        code = text.strip().translate(_HALF_WIDTH).upper()
        if len(code) != LENGTH:
            raise InvalidCreditCode(
                "wrong_length", N_("A unified social credit code has 18 characters.")
            )
        _check_characters(code)
        if not code[2:8].isdigit():
            raise InvalidCreditCode(
                "invalid_character",
                N_("Characters 3 to 8 of a unified social credit code are digits."),
            )
        if check_character(code[:17]) != code[17]:
            raise InvalidCreditCode(
                "wrong_check_character",
                N_("This unified social credit code has a typing mistake: please check it."),
            )
        return cls(code)

    def __str__(self) -> str:
        return self.text

    @property
    def registration_authority(self) -> str:
        """Position 1: the registering authority, e.g. ``5`` for civil affairs (民政)."""
        return self.text[0]

    @property
    def category(self) -> str:
        """Position 2: the kind of organization within its authority."""
        return self.text[1]

    @property
    def division_code(self) -> str:
        """Positions 3-8: the 6-digit administrative division of the registering office."""
        return self.text[2:8]

    @property
    def is_social_organization(self) -> bool:
        """Registered with civil affairs as a social organization, foundation or the like."""
        return (
            self.registration_authority == CIVIL_AFFAIRS
            and self.category in SOCIAL_ORGANIZATION_CATEGORIES
        )
