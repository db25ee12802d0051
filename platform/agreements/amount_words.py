"""Amounts of money in words (人民币大写), as a formal agreement states them beside the figures
so that neither can be altered alone. Written to the People's Bank rules for filling in
amounts: 壹拾 never 拾, one 零 for a run of zeros, 整 after 元, 零 between 元 and 分."""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")


def _group(value: int) -> str:
    """Four digits or fewer in words: 1010 → 壹仟零壹拾."""
    words = ""
    zeros = False
    for place in (3, 2, 1, 0):
        digit = value // 10**place % 10
        if digit == 0:
            zeros = bool(words)
            continue
        if zeros:
            words += "零"
        words += DIGITS[digit] + PLACES[place]
        zeros = False
    return words


def _yuan(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    words = ""
    skipped = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            skipped = True
            continue
        if words and (skipped or group < 1000):
            words += "零"
        words += _group(group) + GROUPS[index]
        skipped = False
    return words


def amount_in_words(amount: Decimal) -> str:
    """``Decimal("123456.78")`` → 壹拾贰万叁仟肆佰伍拾陆元柒角捌分; whole yuan end in 整."""
    if amount < 0 or amount != amount.quantize(CENT) or amount >= Decimal(10) ** 16:
        raise ValueError(f"not an amount of yuan and cents: {amount}")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = _yuan(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words
