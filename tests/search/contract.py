"""What every search backend must do, as one suite each backend's test module subclasses.

A subclass provides a ``backend`` fixture yielding an empty `SearchBackend`; the tests index
the handful of realistic documents below and check Chinese matching (words, infix words,
synonyms, pinyin, no homophones), filters, facets, sorting, pagination, upsert and delete,
highlighting, and that private contact data never reaches the engine.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.models import Organization, Station
from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from demand.models import Need, NeedLine, Urgency
from regions.models import Region, RegionLevel
from search.backend import Facet, SearchBackend, SearchFilters, SearchQuery, SearchResult, Sort
from search.documents import SearchDocument, document_of_need, document_of_offer
from supply.models import Offer, OfferLine

ZHENXIONG = "530627000000"
YILIANG = "530628000000"
ZHAOYANG = "530602000000"
LUDIAN = "530621000000"
PRIVATE_PHONE = "13987650001"
PRIVATE_NAMES = ("欧阳明珠", "司马青松")
TODAY = date(2025, 10, 1)


def _document(
    number: int,
    kind: str,
    title: str,
    description: str,
    *,
    category: str,
    subcategory: tuple[str, str],
    counties: tuple[str, ...],
    published: date,
    deadline: date,
    amount: int,
    urgency: str | None = None,
    organization: str = "",
    tags: tuple[str, ...] = (),
) -> SearchDocument:
    return SearchDocument(
        id=f"{kind}:{number}",
        kind=kind,  # type: ignore[arg-type]
        title=title,
        description=description,
        category=category,
        subcategory=subcategory[0],
        subcategory_name=subcategory[1],
        tags=tags,
        region_names=("镇雄县", "以勒镇") if ZHENXIONG in counties else ("彝良县",),
        organization_name=organization,
        county_codes=counties,
        township_codes=(),
        urgency=urgency,
        state="published",
        published_at=datetime(published.year, published.month, published.day, 9, tzinfo=UTC),
        deadline=deadline,
        amount=Decimal(amount),
    )


DOCUMENTS = [
    _document(
        1,
        "need",
        "以勒镇养老服务中心缺少护理床",
        "为镇上失能的老年人购置护理床20张 <尽快> & 到位",
        category="public_services",
        subcategory=("elderly_care", "养老"),
        counties=(ZHENXIONG,),
        published=date(2025, 3, 1),
        deadline=date(2025, 6, 30),
        amount=40000,
        urgency="red",
    ),
    _document(
        2,
        "need",
        "留守儿童暑期托管",
        "为村里的留守孩子开设暑期班，需要志愿者和图书",
        category="public_services",
        subcategory=("children_home", "儿童之家"),
        counties=(YILIANG,),
        published=date(2025, 4, 1),
        deadline=date(2025, 7, 15),
        amount=15000,
        urgency="yellow",
    ),
    _document(
        3,
        "offer",
        "农产品直播带货培训",
        "帮助合作社把马铃薯、天麻卖出去",
        category="industry",
        subcategory=("ecommerce", "农村电商"),
        counties=(ZHENXIONG, YILIANG),
        published=date(2025, 2, 1),
        deadline=date(2025, 12, 31),
        amount=0,
        organization="昭通市电子商务协会",
    ),
    _document(
        4,
        "need",
        "村卫生室医疗废弃物待处理",
        "医疗垃圾堆放已久，需要专业回收",
        category="public_services",
        subcategory=("healthcare", "医疗"),
        counties=(ZHAOYANG,),
        published=date(2025, 5, 1),
        deadline=date(2025, 5, 31),
        amount=8000,
        urgency="green",
    ),
    _document(
        5,
        "offer",
        "为长者提供免费体检",
        "组织医生每月下乡一次",
        category="public_services",
        subcategory=("healthcare", "医疗"),
        counties=(ZHAOYANG,),
        published=date(2025, 1, 15),
        deadline=date(2025, 9, 30),
        amount=20000,
        organization="昭阳区敬老志愿者协会",
    ),
    _document(
        6,
        "need",
        "景点导览牌制作",
        "村里新修了观景台，需要指示牌",
        category="industry",
        subcategory=("rural_tourism", "乡村旅游"),
        counties=(ZHENXIONG,),
        published=date(2025, 3, 20),
        deadline=date(2025, 8, 1),
        amount=5000,
        urgency="green",
    ),
    _document(
        7,
        "offer",
        "经典诵读进校园",
        "大学生志愿者带孩子读古诗",
        category="talent",
        subcategory=("education_support", "教育支教"),
        counties=(YILIANG,),
        published=date(2025, 3, 10),
        deadline=date(2025, 11, 30),
        amount=3000,
        organization="彝良县读书会",
    ),
    _document(
        8,
        "need",
        "昭通苹果滞销求助",
        "今年苹果丰收，请帮忙采购",
        category="consumption",
        subcategory=("purchase", "消费帮扶采购"),
        counties=(LUDIAN,),
        published=date(2025, 4, 20),
        deadline=date(2025, 6, 1),
        amount=100000,
        urgency="red",
    ),
]


def _region(code: str, name: str, level: RegionLevel, full_name: str) -> Region:
    return Region(code=code, name=name, short_name=name, level=level, full_name=full_name)


def private_need() -> Need:
    """A published need whose station has a contact person and phone (which must stay out)."""
    village = _region("530627106201", "以勒村", RegionLevel.VILLAGE, "镇雄县/以勒镇/以勒村")
    return Need(
        id=uuid.UUID(int=101),
        category=TopCategory.SPECIAL_GROUPS,
        subcategory_code="left_behind_children",
        title="困境儿童冬衣",
        description="为以勒村的困境儿童准备冬衣",
        tags=["冬衣"],
        state=EntryState.PUBLISHED,
        published_at=datetime(2025, 10, 1, tzinfo=UTC),
        region=village,
        region_code=village.code,
        township_code="530627106000",
        county_code=ZHENXIONG,
        channel_name=PRIVATE_NAMES[1],
        urgency=Urgency.RED,
        deadline=date(2025, 11, 30),
        station=Station(
            name="以勒镇社工站", contact_name=PRIVATE_NAMES[0], contact_phone=PRIVATE_PHONE
        ),
        lines=[
            NeedLine(
                position=0, kind=LineKind.FUNDS, item="冬衣款", unit="", sought=Decimal("3000")
            ),
            NeedLine(position=1, kind=LineKind.GOODS, item="棉被", unit="床", sought=Decimal("40")),
        ],
    )


def private_offer() -> Offer:
    """A published offer with an offer contact and an organization contact (both private)."""
    return Offer(
        id=uuid.UUID(int=102),
        category=TopCategory.TALENT,
        subcategory_code="medical_volunteer",
        title="眼科义诊",
        description="县医院眼科医生下乡义诊",
        tags=[],
        state=EntryState.PUBLISHED,
        published_at=datetime(2025, 9, 1, tzinfo=UTC),
        valid_from=date(2025, 9, 1),
        valid_until=date(2026, 3, 1),
        contact_name=PRIVATE_NAMES[0],
        contact_phone=PRIVATE_PHONE,
        organization=Organization(
            name="昭通市光明公益协会",
            contact_name=PRIVATE_NAMES[1],
            contact_phone=PRIVATE_PHONE,
        ),
        service_regions=[
            _region(YILIANG, "彝良县", RegionLevel.COUNTY, "彝良县"),
            _region("530627106000", "以勒镇", RegionLevel.TOWNSHIP, "镇雄县/以勒镇"),
        ],
        lines=[
            OfferLine(
                position=0, kind=LineKind.PURCHASE, item="", unit="", offered=Decimal("500.50")
            ),
            OfferLine(position=1, kind=LineKind.PERSON_DAYS, item="", unit="", offered=Decimal(8)),
        ],
    )


def ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


class SearchContract:
    """Subclass with a ``backend`` fixture yielding an empty backend."""

    @pytest.fixture
    async def indexed(self, backend: SearchBackend) -> SearchBackend:
        await backend.upsert(DOCUMENTS)
        return backend

    async def found(self, backend: SearchBackend, text: str, **options: object) -> list[str]:
        return ids(await backend.search(SearchQuery(text=text, page_size=100, **options)))  # type: ignore[arg-type]

    async def test_counts_and_health(self, indexed: SearchBackend) -> None:
        assert await indexed.count() == len(DOCUMENTS)
        assert await indexed.health()

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("养老", "need:1"),
            ("护理床", "need:1"),
            ("托管", "need:2"),
            ("留守儿童", "need:2"),
            ("处理", "need:4"),
            ("理床", "need:1"),
            ("天麻", "offer:3"),
            ("电子商务协会", "offer:3"),
            ("以勒镇", "need:1"),
            ("镇雄县 景点", "need:6"),
        ],
    )
    async def test_chinese_words_and_infix(
        self, indexed: SearchBackend, text: str, expected: str
    ) -> None:
        assert expected in await self.found(indexed, text)

    async def test_every_concept_must_match(self, indexed: SearchBackend) -> None:
        assert await self.found(indexed, "留守儿童 托管") == ["need:2"]
        assert await self.found(indexed, "留守儿童 天麻") == []

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("长者", "need:1"),
            ("老年人", "offer:5"),
            ("老人", "offer:5"),
            ("土特产", "offer:3"),
            ("小孩", "need:2"),
            ("网店", "offer:3"),
        ],
    )
    async def test_synonyms_both_ways(
        self, indexed: SearchBackend, text: str, expected: str
    ) -> None:
        assert expected in await self.found(indexed, text)

    @pytest.mark.parametrize("text", ["yanglao", "ylfw", "YangLao", "yanglaof"])
    async def test_pinyin_of_titles(self, indexed: SearchBackend, text: str) -> None:
        assert await self.found(indexed, text) == ["need:1"]

    async def test_no_homophone_matches(self, indexed: SearchBackend) -> None:
        assert await self.found(indexed, "景点") == ["need:6"]
        assert await self.found(indexed, "经典") == ["offer:7"]

    async def test_pinyin_finds_both_homophones(self, indexed: SearchBackend) -> None:
        assert set(await self.found(indexed, "jingdian")) == {"need:6", "offer:7"}

    async def test_mixed_chinese_and_pinyin(self, indexed: SearchBackend) -> None:
        assert await self.found(indexed, "yanglao 护理床") == ["need:1"]

    async def test_no_match(self, indexed: SearchBackend) -> None:
        result = await indexed.search(SearchQuery(text="航天飞机", facets=frozenset(Facet)))
        assert (result.hits, result.total) == ([], 0)
        assert all(counts == {} for counts in result.facets.values())

    async def test_a_sentence_finds_entries_with_most_of_its_words(
        self, indexed: SearchBackend
    ) -> None:
        """合作社, 马铃薯 and 收购 (by its synonym 采购) are in entries, 销路 nowhere, and no entry
        has them all: the entry with most of them is found, and the answer says so."""
        result = await indexed.search(SearchQuery(text="合作社的马铃薯没有销路，想找人收购"))
        assert ids(result)[0] == "offer:3"
        assert result.broadened
        complete = await indexed.search(SearchQuery(text="马铃薯 天麻"))
        assert (ids(complete), complete.broadened) == (["offer:3"], False)

    async def test_broadened_matches_follow_complete_ones(self, indexed: SearchBackend) -> None:
        complete = dataclasses.replace(
            DOCUMENTS[7], id="need:20", title="核桃找销路", description="合作社的核桃欢迎收购"
        )
        most = dataclasses.replace(
            DOCUMENTS[7], id="need:21", title="核桃合作社", description="今年核桃丰收，欢迎收购"
        )
        await indexed.upsert([complete, most])
        result = await indexed.search(SearchQuery(text="合作社的核桃没有销路，想找人收购"))
        assert ids(result)[:2] == ["need:20", "need:21"]
        assert result.broadened
        assert result.hits[0].score > result.hits[1].score
        assert result.total == len(result.hits)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("農產品", "offer:3"), ("護理床", "need:1"), ("醫療", "need:4"), ("經典", "offer:7")],
    )
    async def test_traditional_characters(
        self, indexed: SearchBackend, text: str, expected: str
    ) -> None:
        assert expected in await self.found(indexed, text)

    @pytest.mark.parametrize(
        ("text", "expected"), [("ｙａｎｇｌａｏ", "need:1"), ("ＹＬＦＷ", "need:1")]
    )
    async def test_full_width_letters(
        self, indexed: SearchBackend, text: str, expected: str
    ) -> None:
        assert await self.found(indexed, text) == [expected]

    @pytest.mark.parametrize(
        ("text", "meant", "expected"),
        [
            ("天嘛", "天麻", "offer:3"),
            ("护理窗", "护理床", "need:1"),
            ("昭通苹裹", "昭通苹果", "need:8"),
        ],
    )
    async def test_a_typo_is_searched_as_the_word_meant(
        self, indexed: SearchBackend, text: str, meant: str, expected: str
    ) -> None:
        result = await indexed.search(SearchQuery(text=text))
        assert result.did_you_mean == meant
        assert expected in ids(result)

    async def test_a_word_that_exists_is_never_corrected(self, indexed: SearchBackend) -> None:
        for word, expected in (("景点", ["need:6"]), ("经典", ["offer:7"])):
            result = await indexed.search(SearchQuery(text=word))
            assert (ids(result), result.did_you_mean) == (expected, None)
        nothing = await indexed.search(SearchQuery(text="航天飞机"))
        assert (nothing.total, nothing.did_you_mean) == (0, None)

    async def test_a_correction_that_finds_nothing_is_not_offered(
        self, indexed: SearchBackend
    ) -> None:
        """天嘛 and 景典 each have a neighbour (天麻; 景点 or 经典), but no entry has both."""
        result = await indexed.search(SearchQuery(text="天嘛 景典"))
        assert (result.total, result.did_you_mean) == (0, None)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("洋芋", "offer:3"), ("土豆", "offer:3"), ("老汉", "offer:5"), ("娃娃", "need:2")],
    )
    async def test_dialect_and_everyday_words(
        self, indexed: SearchBackend, text: str, expected: str
    ) -> None:
        assert expected in await self.found(indexed, text)

    async def test_the_typed_word_ranks_above_synonym_only_matches(
        self, indexed: SearchBackend
    ) -> None:
        """offer:5 has 长者 in its title, need:1 老年人 in its description: each wins for the
        word it says, though the title weighs more."""
        assert (await self.found(indexed, "老年人"))[:2] == ["need:1", "offer:5"]
        assert (await self.found(indexed, "长者"))[:2] == ["offer:5", "need:1"]

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            (SearchFilters(kind="offer"), {"offer:3", "offer:5", "offer:7"}),
            (SearchFilters(county=YILIANG), {"need:2", "offer:3", "offer:7"}),
            (SearchFilters(category="industry"), {"offer:3", "need:6"}),
            (SearchFilters(urgency="red"), {"need:1", "need:8"}),
            (SearchFilters(kind="need", county=ZHENXIONG), {"need:1", "need:6"}),
            (SearchFilters(subcategory="healthcare", kind="offer"), {"offer:5"}),
            (SearchFilters(state="closed"), set()),
        ],
    )
    async def test_filters_narrow_hits_and_totals(
        self, indexed: SearchBackend, filters: SearchFilters, expected: set[str]
    ) -> None:
        result = await indexed.search(SearchQuery(filters=filters, page_size=100))
        assert set(ids(result)) == expected
        assert result.total == len(expected)

    async def test_filters_apply_to_text_search(self, indexed: SearchBackend) -> None:
        everywhere = await self.found(indexed, "志愿者")
        assert set(everywhere) >= {"need:2", "offer:5", "offer:7"}
        narrowed = await self.found(indexed, "志愿者", filters=SearchFilters(kind="offer"))
        assert set(narrowed) == {"offer:5", "offer:7"}

    async def test_facets_count_every_match(self, indexed: SearchBackend) -> None:
        result = await indexed.search(SearchQuery(facets=frozenset(Facet)))
        assert result.facets[Facet.KIND] == {"need": 5, "offer": 3}
        assert result.facets[Facet.URGENCY] == {"red": 2, "green": 2, "yellow": 1}
        assert result.facets[Facet.CATEGORY] == {
            "public_services": 4,
            "industry": 2,
            "talent": 1,
            "consumption": 1,
        }
        assert result.facets[Facet.COUNTY] == {ZHENXIONG: 3, YILIANG: 3, ZHAOYANG: 2, LUDIAN: 1}
        assert result.facets[Facet.SUBCATEGORY]["healthcare"] == 2
        assert result.facets[Facet.STATE] == {"published": 8}

    async def test_facets_follow_text_and_filters(self, indexed: SearchBackend) -> None:
        result = await indexed.search(
            SearchQuery(
                text="医疗",
                filters=SearchFilters(county=ZHAOYANG),
                facets=frozenset({Facet.KIND, Facet.COUNTY}),
            )
        )
        assert set(result.facets) == {Facet.KIND, Facet.COUNTY}
        assert result.facets[Facet.KIND] == {"need": 1, "offer": 1}
        assert result.facets[Facet.COUNTY] == {ZHAOYANG: 2}
        assert result.total == 2

    @pytest.mark.parametrize(
        ("sort", "first_three"),
        [
            (Sort.NEWEST, ["need:4", "need:8", "need:2"]),
            (Sort.RELEVANCE, ["need:4", "need:8", "need:2"]),
            (Sort.AMOUNT, ["need:8", "need:1", "offer:5"]),
            (Sort.DEADLINE, ["need:4", "need:8", "need:1"]),
        ],
    )
    async def test_sorting(
        self, indexed: SearchBackend, sort: Sort, first_three: list[str]
    ) -> None:
        assert (await self.found(indexed, "", sort=sort))[:3] == first_three

    async def test_sorting_text_matches(self, indexed: SearchBackend) -> None:
        assert await self.found(indexed, "医疗", sort=Sort.AMOUNT) == ["offer:5", "need:4"]

    async def test_relevance_puts_title_matches_first(self, indexed: SearchBackend) -> None:
        hits = (await indexed.search(SearchQuery(text="志愿者"))).hits
        assert hits[0].score >= hits[-1].score
        assert "offer:5" in [hit.id for hit in hits]

    async def test_pagination_keeps_totals(self, indexed: SearchBackend) -> None:
        pages = [
            await indexed.search(SearchQuery(sort=Sort.NEWEST, page=page, page_size=3))
            for page in (1, 2, 3, 4)
        ]
        assert [result.total for result in pages] == [8, 8, 8, 8]
        assert [len(result.hits) for result in pages] == [3, 3, 2, 0]
        seen = [hit_id for result in pages for hit_id in ids(result)]
        assert sorted(seen) == sorted(document.id for document in DOCUMENTS)
        assert (pages[1].page, pages[1].page_size) == (2, 3)

    async def test_upsert_twice_keeps_one(self, indexed: SearchBackend) -> None:
        renamed = dataclasses.replace(
            DOCUMENTS[0], title="以勒镇敬老院缺少轮椅", description="为老年人购置轮椅"
        )
        await indexed.upsert([renamed])
        await indexed.upsert([renamed, renamed])
        assert await indexed.count() == len(DOCUMENTS)
        assert await self.found(indexed, "轮椅") == ["need:1"]
        assert await self.found(indexed, "护理床") == []

    async def test_delete_removes(self, indexed: SearchBackend) -> None:
        await indexed.delete(["need:1", "need:404"])
        assert await indexed.count() == len(DOCUMENTS) - 1
        assert "need:1" not in await self.found(indexed, "养老")
        assert (await indexed.search(SearchQuery(facets=frozenset({Facet.KIND})))).facets[
            Facet.KIND
        ] == {"need": 4, "offer": 3}

    async def test_clear(self, indexed: SearchBackend) -> None:
        await indexed.clear()
        assert await indexed.count() == 0
        assert (await indexed.search(SearchQuery(text="养老"))).total == 0

    async def test_snippets_mark_matches_and_escape_html(self, indexed: SearchBackend) -> None:
        (hit,) = (await indexed.search(SearchQuery(text="老人 护理床"))).hits
        assert hit.title_html == "以勒镇养老服务中心缺少<mark>护理床</mark>"
        assert "<mark>老年人</mark>" in hit.snippet
        assert "<mark>护理床</mark>" in hit.snippet
        assert "&lt;尽快&gt; &amp; 到位" in hit.snippet
        assert "<尽快>" not in hit.snippet

    async def test_snippets_mark_infix_and_pinyin(self, indexed: SearchBackend) -> None:
        (hit,) = (await indexed.search(SearchQuery(text="处理"))).hits
        assert hit.title_html == "村卫生室医疗废弃物待<mark>处理</mark>"
        (hit,) = (await indexed.search(SearchQuery(text="ylfw"))).hits
        assert "<mark>养老服务中心</mark>" in hit.title_html

    async def test_result_shape(self, indexed: SearchBackend) -> None:
        result = await indexed.search(SearchQuery(text="养老"))
        assert result.engine
        assert not result.degraded
        assert result.facets == {}
        assert all(hit.kind in {"need", "offer"} for hit in result.hits)

    async def test_private_contact_data_never_indexed(self, backend: SearchBackend) -> None:
        need, offer = (
            document_of_need(private_need(), TODAY),
            document_of_offer(private_offer(), TODAY),
        )
        for document in (need, offer):
            fields = {field.name for field in dataclasses.fields(document)}
            assert not fields & {"contact_name", "contact_phone", "contact", "channel_name"}
            stored = repr(document)
            assert PRIVATE_PHONE not in stored
            assert not any(name in stored for name in PRIVATE_NAMES)
        await backend.upsert([need, offer])
        for secret in (PRIVATE_PHONE, *PRIVATE_NAMES):
            assert (await backend.search(SearchQuery(text=secret))).total == 0
        assert set(await self.found(backend, "冬衣")) == {need.id}
        assert set(await self.found(backend, "光明公益协会")) == {offer.id}

    async def test_documents_from_entries(self) -> None:
        need, offer = (
            document_of_need(private_need(), TODAY),
            document_of_offer(private_offer(), TODAY),
        )
        assert need.id == f"need:{uuid.UUID(int=101)}"
        assert need.region_names == ("镇雄县", "以勒镇", "以勒村")
        assert (need.county_codes, need.township_codes) == ((ZHENXIONG,), ("530627106000",))
        assert (need.amount, need.urgency, need.state) == (Decimal(3000), "red", "published")
        assert need.subcategory_name == "留守儿童"
        assert offer.region_names == ("彝良县", "镇雄县", "以勒镇")
        assert offer.county_codes == (YILIANG, ZHENXIONG)
        assert offer.township_codes == ("530627106000",)
        assert (offer.amount, offer.urgency) == (Decimal("500.50"), None)
        assert offer.organization_name == "昭通市光明公益协会"
        assert offer.deadline == date(2026, 3, 1)

    async def test_documents_show_expiry(self) -> None:
        offer = private_offer()
        assert document_of_offer(offer, offer.valid_until).state == "published"
        later = offer.valid_until + timedelta(days=1)
        assert document_of_offer(offer, later).state == "expired"

    async def test_unpublished_entries_are_refused(self) -> None:
        draft = private_need()
        draft.published_at = None
        with pytest.raises(ValueError, match="never published"):
            document_of_need(draft, TODAY)
