"""The password policy and password hashing.

The policy follows MLPS 2.0 level 2 (等保2.0 二级) where it is stricter than OWASP ASVS: at
least 8 characters from three of four classes, plus a zxcvbn guessability score so that
``Password123!``, keyboard walks (``1qaz@WSX3edc``) and passwords built from the user's own
names or the platform's words (``Zhaotong@2026``) are refused. Passwords are
stored as argon2id hashes with argon2-cffi's defaults (RFC 9106 low-memory profile).
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from accounts.password_words import platform_words
from core.errors import N_

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_CLASSES = 3
MIN_SCORE = 3
MIN_USERNAME_LENGTH = 3

_hasher = PasswordHasher()
# zxcvbn keeps the user inputs of the current call in a module-level dictionary.
_zxcvbn_lock = threading.Lock()
_WORD_SEPARATORS = re.compile(r"[\W_]+")
_ASCII_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)
_UNSHIFT = str.maketrans('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./")


@dataclass(frozen=True, slots=True)
class PasswordProblem:
    """One rule a password breaks: a machine code and a translatable message."""

    code: str
    message: str


TOO_SHORT = PasswordProblem("too_short", N_("Use at least 8 characters."))
TOO_LONG = PasswordProblem("too_long", N_("Use at most 128 characters."))
TOO_FEW_CLASSES = PasswordProblem(
    "too_few_classes",
    N_("Use at least three of: lowercase letters, capital letters, digits, symbols."),
)
CONTAINS_USERNAME = PasswordProblem(
    "contains_username", N_("The password must not contain the user name.")
)
TOO_WEAK = PasswordProblem(
    "too_weak",
    N_("This password is too easy to guess: avoid common words, names and patterns."),
)


class WeakPassword(ValueError):
    """The password breaks the policy; ``problems`` says how."""

    def __init__(self, problems: Sequence[PasswordProblem]) -> None:
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = list(problems)


def _character_classes(password: str) -> int:
    """How many of lowercase, capitals, digits and others (symbols, CJK, ...) it uses."""
    used = {
        next((index for index, chars in enumerate(_ASCII_CLASSES) if char in chars), "other")
        for char in password
    }
    return len(used)


def _guess_words(inputs: Sequence[str]) -> list[str]:
    """Each input whole, without separators and word by word, for zxcvbn's dictionary."""
    words: list[str] = []
    for text in inputs:
        parts = [part for part in _WORD_SEPARATORS.split(text) if part]
        words.extend([text, "".join(parts), *parts])
    return [word for word in dict.fromkeys(words) if word]


def _unshifted(password: str) -> str:
    """The same keys pressed without Shift: ``1qaz@WSX3edc`` → ``1qaz2wsx3edc``."""
    return password.translate(_UNSHIFT).lower()


def _score(password: str, user_inputs: Sequence[str]) -> int:
    """zxcvbn's score with the user's and the platform's words as inputs, and the lower of the
    password's and its unshifted keys' scores: holding Shift along a keyboard walk fools
    zxcvbn's keyboard patterns but not a guesser."""
    if not password:  # zxcvbn fails on the empty string
        return 0
    from zxcvbn import zxcvbn  # its word lists cost every worker 15 MB; only password changes ask

    words = [*_guess_words(user_inputs), *platform_words()]
    with _zxcvbn_lock:
        scores = [
            int(zxcvbn(form, user_inputs=words, max_length=MAX_LENGTH)["score"])
            for form in dict.fromkeys((password, _unshifted(password)))
        ]
    return min(scores)


def check_password(
    password: str, *, username: str = "", user_inputs: Sequence[str] = ()
) -> list[PasswordProblem]:
    """Every rule the password breaks; an empty list means it is acceptable.

    ``user_inputs`` are the user's other names (display name, organization) that the
    password should not be built from; the username is one of them automatically.
    """
    problems: list[PasswordProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    if _character_classes(password) < MIN_CLASSES:
        problems.append(TOO_FEW_CLASSES)
    if len(username) >= MIN_USERNAME_LENGTH and username.casefold() in password.casefold():
        problems.append(CONTAINS_USERNAME)
    if len(password) <= MAX_LENGTH and _score(password, [username, *user_inputs]) < MIN_SCORE:
        problems.append(TOO_WEAK)
    return problems


def require_strong_password(
    password: str, *, username: str = "", user_inputs: Sequence[str] = ()
) -> None:
    """Raise :class:`WeakPassword` unless the password meets the policy."""
    problems = check_password(password, username=username, user_inputs=user_inputs)
    if problems:
        raise WeakPassword(problems)


def hash_password(password: str) -> str:
    """A salted argon2id hash to store instead of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash; False for a wrong password or a broken hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, ValueError):  # InvalidHashError, or text that cannot be encoded
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's and should be redone."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so the answer takes as long."""
    return hash_password("not the password of anyone")
