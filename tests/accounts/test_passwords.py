"""The password policy, rule by rule, and argon2 hashing."""

from collections.abc import Sequence

import pytest
from argon2 import PasswordHasher

from accounts.passwords import (
    WeakPassword,
    check_password,
    dummy_hash,
    hash_password,
    needs_rehash,
    require_strong_password,
    verify_password,
)

pytestmark = pytest.mark.real_password_hashing

STRONG = "Zhaotong-apple-river-1987"  # zxcvbn score 4; lowercase, capitals, digits, symbols


def codes(password: str, *, username: str = "", user_inputs: Sequence[str] = ()) -> list[str]:
    problems = check_password(password, username=username, user_inputs=user_inputs)
    return [problem.code for problem in problems]


@pytest.mark.parametrize(
    "password",
    [
        STRONG,
        "qt7-mz2-pxk-rw9",  # lowercase, digits, symbols: three classes; score 4
        "ALLCAPS-AND-DIGITS-123",  # capitals, digits, symbols; score 4
        "山川河流Kz9x7q",  # CJK counts as "other"; score 3
        "Tq7#mZ2pX",  # 9 random characters: score 3, the shortest that passes
    ],
)
def test_acceptable(password: str) -> None:
    assert check_password(password) == []
    require_strong_password(password)


def test_too_short() -> None:
    assert codes("Tq7#mZ2") == ["too_short", "too_weak"]


def test_eight_characters_are_long_enough_but_zxcvbn_wants_nine() -> None:
    # zxcvbn rates 8 random characters at 10**8 guesses: score 2.
    assert codes("Tq7#mZ2p") == ["too_weak"]


def test_too_long() -> None:
    assert codes("Aa1!" * 32 + "x") == ["too_long"]


def test_too_few_classes() -> None:
    assert codes("lowercase only words here") == ["too_few_classes"]  # score 4 alone


def test_non_ascii_letters_are_other() -> None:
    assert codes("山川河流kz9x7q") == []  # other, lowercase, digits


@pytest.mark.parametrize(
    "password",
    # zxcvbn scores: Password123! 1, P@ssw0rd2024 1, Qwerty123! 1, Admin@123 2, Welcome2024! 2.
    ["Password123!", "P@ssw0rd2024", "Qwerty123!", "Admin@123", "Welcome2024!"],
)
def test_common_passwords_are_too_weak(password: str) -> None:
    assert codes(password) == ["too_weak"]


def test_contains_username_in_any_case() -> None:
    # "Lihua-2024!" scores 3 even knowing the username: only the rule catches it.
    assert codes("Lihua-2024!", username="lihua") == ["contains_username"]
    assert codes("xLiHuA-river-Apple-9", username="lihua") == ["contains_username"]


def test_short_usernames_may_appear() -> None:
    assert codes("ab-Li-river-Apple-9", username="li") == []


def test_passwords_built_from_user_inputs_are_too_weak() -> None:
    assert codes("Hongyuan2024!") == []  # score 4 for a stranger
    assert codes("Hongyuan2024!", user_inputs=["Hongyuan Charity Foundation"]) == ["too_weak"]


@pytest.mark.parametrize(
    "password",
    [
        "Zhaotong@2026",  # the city and a year
        "Zhenxiong#2026",  # a county in pinyin
        "Minzheng@2026!",  # the bureau
        "Xiangxing@2026",  # the site
        "Dashanbao@2026",  # a township
    ],
)
def test_the_platforms_own_words_count_as_guessable(password: str) -> None:
    assert codes(password) == ["too_weak"]


@pytest.mark.parametrize("password", ["1qaz@WSX3edc", "!QAZ2wsx#EDC", "1qaz2wsx#EDC"])
def test_keyboard_walks_with_shift_held_are_too_weak(password: str) -> None:
    assert codes(password) == ["too_weak"]


def test_a_password_of_unrelated_words_still_passes() -> None:
    assert codes("Yile-Mountain-Bridge-42") == [], "a township among other words is fine"


def test_empty_password() -> None:
    assert codes("") == ["too_short", "too_few_classes", "too_weak"]


def test_require_strong_password_lists_the_problems() -> None:
    with pytest.raises(WeakPassword) as caught:
        require_strong_password("Password123!")
    assert [problem.code for problem in caught.value.problems] == ["too_weak"]
    assert str(caught.value) == (
        "This password is too easy to guess: avoid common words, names and patterns."
    )


def test_hash_and_verify() -> None:
    password_hash = hash_password(STRONG)
    assert password_hash.startswith("$argon2id$")
    assert verify_password(password_hash, STRONG)
    assert not verify_password(password_hash, STRONG.upper())
    assert not verify_password(password_hash, "")
    assert not needs_rehash(password_hash)


def test_hashes_are_salted() -> None:
    assert hash_password(STRONG) != hash_password(STRONG)


@pytest.mark.parametrize(
    "garbage",
    ["", "not a hash", "$argon2id$v=19$m=65536,t=3,p=4$bad$bad", "$2b$12$abcdefghijklmnop", "中文"],
)
def test_garbage_hash_is_false(garbage: str) -> None:
    assert not verify_password(garbage, STRONG)


def test_weaker_parameters_need_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(STRONG)
    assert verify_password(old, STRONG)
    assert needs_rehash(old)


def test_dummy_hash_is_made_once_and_matches_nothing_typed() -> None:
    assert dummy_hash() is dummy_hash()
    assert not verify_password(dummy_hash(), STRONG)
