"""Unified social credit codes: structure, check character and normalisation of typed text."""

import pytest

from accounts.credit_code import CreditCode, InvalidCreditCode, check_character

# A foundation (5 = civil affairs, 3 = 基金会) registered in Zhaotong (530600), worked by hand:
#   characters   5  3  5   3  0    6  0  0    M    J  0   1   2   3   4    5    6
#   values       5  3  5   3  0    6  0  0   21   18  0   1   2   3   4    5    6
#   weights      1  3  9  27 19   26 16 17   20   29 25  13   8  24  10   30   28
#   products     5  9 45  81  0  156  0  0  420  522  0  13  16  72  40  150  168
#   sum 1697; 1697 mod 31 = 23; 31 - 23 = 8; value 8 is the character "8".
FOUNDATION = "53530600MJ01234568"
VALID = [
    FOUNDATION,
    "91350100M000100Y43",  # a published enterprise example, confirmed by check_character
    "52530602MJ5678901" + check_character("52530602MJ5678901"),
    "51530621MJ0000012" + check_character("51530621MJ0000012"),
    "Y1530600000000000" + check_character("Y1530600000000000"),
]


def test_hand_computed_check_character() -> None:
    assert check_character(FOUNDATION[:17]) == "8"


def test_check_character_31_becomes_0() -> None:
    # A sum divisible by 31 gives 31 - 0 = 31, written as "0".
    assert check_character("0" * 17) == "0"


@pytest.mark.parametrize("text", VALID)
def test_valid_codes_parse(text: str) -> None:
    assert str(CreditCode.parse(text)) == text


def test_parts() -> None:
    code = CreditCode.parse(FOUNDATION)
    assert code.registration_authority == "5"
    assert code.category == "3"
    assert code.division_code == "530600"
    assert code.is_social_organization


def test_other_authorities_are_valid_but_not_social_organizations() -> None:
    code = CreditCode.parse("91350100M000100Y43")
    assert (code.registration_authority, code.category) == ("9", "1")
    assert not code.is_social_organization


def test_a_civil_affairs_example_with_a_wrong_check_character() -> None:
    # 51530600MJ0000000X was suggested as an example; its check character works out as 8.
    assert check_character("51530600MJ0000000") == "8"
    with pytest.raises(InvalidCreditCode) as caught:
        CreditCode.parse("51530600MJ0000000X")
    assert caught.value.reason_code == "wrong_check_character"


@pytest.mark.parametrize("last", sorted(set("0123456789ABCDEFGHJKLMNPQRTUWXY") - {"8"}))
def test_every_other_check_character_is_rejected(last: str) -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        CreditCode.parse(FOUNDATION[:17] + last)
    assert caught.value.reason_code == "wrong_check_character"


@pytest.mark.parametrize("text", [FOUNDATION[:17], FOUNDATION + "0", "", "5353 0600MJ01234568"])
def test_wrong_length(text: str) -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        CreditCode.parse(text)
    assert caught.value.reason_code == "wrong_length"
    assert caught.value.message == "A unified social credit code has 18 characters."
    assert str(caught.value) == caught.value.message


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "i", "o", "-", "中"])
def test_forbidden_characters(letter: str) -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        CreditCode.parse(FOUNDATION[:9] + letter + FOUNDATION[10:])
    assert caught.value.reason_code == "invalid_character"


def test_division_must_be_digits() -> None:
    first17 = "53A30600MJ0123456"
    with pytest.raises(InvalidCreditCode) as caught:
        CreditCode.parse(first17 + check_character(first17))
    assert caught.value.reason_code == "invalid_character"


@pytest.mark.parametrize(
    "typed",
    [
        "53530600mj01234568",
        "５３５３０６００ＭＪ０１２３４５６８",
        "５３５３０６００ｍｊ０１２３４５６８",
        "  53530600MJ01234568\n",
        "\u300053530600MJ01234568\t",
    ],
)
def test_typed_text_is_normalised(typed: str) -> None:
    assert CreditCode.parse(typed) == CreditCode(FOUNDATION)


@pytest.mark.parametrize(
    ("first17", "reason"), [("0" * 16, "wrong_length"), ("0" * 16 + "I", "invalid_character")]
)
def test_check_character_validates_its_input(first17: str, reason: str) -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        check_character(first17)
    assert caught.value.reason_code == reason
