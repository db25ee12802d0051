"""Words anyone would try first against this platform's accounts: the site's and the bureau's
names and the city's, counties' and townships' names, in pinyin (what a keyboard types; zxcvbn
matches no words in Chinese characters).

zxcvbn knows English words and common passwords, not zhaotong or zhenxiong; given these as user
inputs it sees ``Zhaotong@2026`` as a place name and a year, not as random letters.
"""

from __future__ import annotations

from functools import cache

from regions.loader import read_divisions
from regions.models import RegionLevel

SITE_WORDS = (
    "乡兴",
    "xiangxing",
    "民政",
    "民政局",
    "minzheng",
    "minzhengju",
    "社工站",
    "shegongzhan",
)
PLACE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
PLACE_SUFFIXES = ("街道", "市", "区", "县", "镇", "乡")


def _stem(name: str) -> str:
    """昭阳区 → 昭阳, 以勒镇 → 以勒: people write the place without its level."""
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


@cache
def platform_words() -> tuple[str, ...]:
    """The site's words, then the pinyin of every city, county and township name."""
    from pypinyin import lazy_pinyin  # its tables cost a worker 55 MB: loaded when first asked

    places = (
        "".join(lazy_pinyin(_stem(division.short_name)))
        for division in read_divisions()
        if division.level in PLACE_LEVELS
    )
    return tuple(dict.fromkeys([*SITE_WORDS, *places]))
