"""The embedded search engine with 100,000 documents: indexing throughput and query latency.

Documents are synthetic but built from real parts: the shipped sub-category names, the
Zhaotong division names at every level, and a vocabulary of phrases from real needs and
offers. Queries (about 300) mix Chinese words, infix words, synonyms, pinyin, queries as
people type them (sentences, traditional and full-width characters, typos, dialect words),
filters, facets and sorts, and are timed one at a time (one client) after a warm-up, then
all again with 16 clients sending at once (as the HTTP API would be used).

    uv run python benchmarks/search_embedded.py [--documents 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))

from catalogue.categories import read_categories  # noqa: E402
from regions.loader import read_divisions  # noqa: E402
from regions.models import RegionLevel  # noqa: E402
from search.backend import Facet, SearchFilters, SearchQuery, Sort  # noqa: E402
from search.documents import SearchDocument  # noqa: E402
from search.embedded import EmbeddedSearch  # noqa: E402

BATCH = 500
CLIENTS = 16
SUBJECTS = [
    "留守儿童",
    "留守老人",
    "空巢老人",
    "残疾人",
    "困境儿童",
    "低保户",
    "脱贫户",
    "特困人员",
    "易地扶贫搬迁群众",
    "村民",
    "学生",
    "老年人",
    "妇女",
    "合作社",
    "种植户",
    "养殖户",
]
NEEDS = [
    "暑期托管",
    "课后辅导",
    "护理床",
    "轮椅",
    "冬衣",
    "棉被",
    "助餐服务",
    "健康体检",
    "心理疏导",
    "图书角",
    "饮水工程",
    "道路硬化",
    "危房改造",
    "技能培训",
    "电商培训",
    "直播带货",
    "农产品销售",
    "昭通苹果采购",
    "天麻种植技术",
    "马铃薯储存",
    "医疗废弃物待处理",
    "养老服务中心建设",
    "儿童之家设备",
    "社工站运营",
    "康复训练",
    "助学金",
    "营养午餐",
    "景点导览牌",
    "经典诵读",
]
CONTEXT = [
    "目前村里缺少专业人员，希望有经验的社会组织参与。",
    "受益人数较多，需求比较急迫，请尽快对接。",
    "已有场地，需要设备和志愿者。",
    "由乡镇社工站统一组织实施，进度每月公示。",
    "资金缺口较大，欢迎爱心企业和个人支持。",
    "冬季气温低，山区道路难走，物资需在降雪前送达。",
    "项目完成后将长期运营，由村委会负责维护。",
    "希望通过消费帮扶带动群众增收，巩固脱贫成果。",
]
ORGANIZATIONS = [
    "昭通市慈善总会",
    "昭阳区青年志愿者协会",
    "镇雄县社会工作协会",
    "彝良县乡村发展促进会",
    "云南省扶贫基金会",
    "昭通市电子商务协会",
    "鲁甸县爱心妈妈协会",
    "昭通苹果产业协会",
]
CHINESE_QUERIES = [
    "养老",
    "托管",
    "留守儿童",
    "处理",
    "老人",
    "长者",
    "土特产",
    "助学",
    "残障",
    "轮椅",
    "昭通苹果",
    "天麻",
    "社工站",
    "电商",
    "培训",
    "护理床",
    "冬衣",
    "体检",
    "景点",
    "经典",
    "留守儿童 托管",
    "老人 助餐",
    "苹果 采购",
    "镇雄县 养老",
    "以勒镇",
    "危房",
    "心理",
]
PINYIN_QUERIES = ["yanglao", "ylfw", "tuoguan", "lsrt", "pingguo", "tianma", "jingdian", "zhibo"]
TYPED_QUERIES = [
    "村里的留守儿童暑假没人管怎么办",
    "想找人帮忙给老人买轮椅",
    "合作社的马铃薯没有销路，想找人收购",
    "養老服務",
    "農產品",
    "ｙａｎｇｌａｏ",
    "托菅",
    "天嘛",
    "洋芋",
    "老汉",
    "娃娃 托管",
]
"""Queries as people type them (sentences, traditional, full-width, typos, dialect words)."""
SORTS = [Sort.RELEVANCE, Sort.RELEVANCE, Sort.NEWEST, Sort.AMOUNT, Sort.DEADLINE]


def build_documents(count: int, rng: random.Random) -> list[SearchDocument]:
    subcategories = [c for c in read_categories() if c.parent_code]
    divisions = read_divisions()
    by_code = {division.code: division for division in divisions}
    villages = [d for d in divisions if d.level is RegionLevel.VILLAGE]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    documents = []
    for number in range(count):
        kind = "need" if number % 3 else "offer"
        village = rng.choice(villages)
        township = by_code[village.parent_code or ""]
        subcategory = rng.choice(subcategories)
        subject, need = rng.choice(SUBJECTS), rng.choice(NEEDS)
        title = f"{township.short_name}{subject}{need}"
        description = (
            f"{village.full_name.replace('/', '')}有{rng.randint(5, 300)}名{subject}，"
            f"需要{need}和{rng.choice(NEEDS)}。" + "".join(rng.sample(CONTEXT, 2))
        )
        published = start + timedelta(minutes=rng.randint(0, 700_000))
        documents.append(
            SearchDocument(
                id=f"{kind}:{number}",
                kind=kind,  # type: ignore[arg-type]
                title=title,
                description=description,
                category=subcategory.parent_code or "",
                subcategory=subcategory.code,
                subcategory_name=subcategory.name_zh,
                tags=tuple(rng.sample(SUBJECTS, 2)),
                region_names=tuple(village.full_name.split("/")),
                organization_name=rng.choice(ORGANIZATIONS) if kind == "offer" else "",
                county_codes=(village.code[:6] + "000000",),
                township_codes=(township.code,),
                urgency=rng.choice(["red", "yellow", "green"]) if kind == "need" else None,
                state="published" if rng.random() < 0.9 else "closed",
                published_at=published,
                deadline=published.date() + timedelta(days=rng.randint(10, 365)),
                amount=Decimal(rng.choice([0, 0, 2000, 5000, 12000, 50000, 200000])),
            )
        )
    return documents


def build_queries(
    count: int, rng: random.Random, documents: list[SearchDocument]
) -> list[SearchQuery]:
    counties = sorted({code for document in documents for code in document.county_codes})
    categories = sorted({document.category for document in documents})
    queries = []
    for _ in range(count):
        text = rng.choice(CHINESE_QUERIES + PINYIN_QUERIES + TYPED_QUERIES + [""])
        filters = rng.choice(
            [
                SearchFilters(),
                SearchFilters(),
                SearchFilters(kind="need"),
                SearchFilters(county=rng.choice(counties)),
                SearchFilters(category=rng.choice(categories), urgency="red"),
                SearchFilters(kind="offer", county=rng.choice(counties)),
            ]
        )
        facets = frozenset(Facet) if rng.random() < 0.5 else frozenset()
        queries.append(
            SearchQuery(
                text=text,
                filters=filters,
                facets=facets,
                sort=rng.choice(SORTS),
                page=rng.choice([1, 1, 1, 2, 5]),
            )
        )
    return queries


def bytes_in(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.iterdir())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def timed(search: EmbeddedSearch, queries: list[SearchQuery]) -> list[float]:
    """Milliseconds of each query, one after another."""
    latencies = []
    for query in queries:
        began = time.perf_counter()
        await search.search(query)
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


async def main(document_count: int, query_count: int) -> None:
    rng = random.Random(20250601)
    documents = build_documents(document_count, rng)
    queries = build_queries(query_count, rng, documents)
    with tempfile.TemporaryDirectory() as directory:
        search = EmbeddedSearch(Path(directory))
        began = time.perf_counter()
        for first in range(0, len(documents), BATCH):
            await search.upsert(documents[first : first + BATCH])
        indexing = time.perf_counter() - began
        size = await asyncio.to_thread(bytes_in, Path(directory))
        began = time.perf_counter()
        await search.search(queries[0])
        first_search = (time.perf_counter() - began) * 1000
        for query in queries[:30]:
            await search.search(query)
        latencies, totals = [], []
        by_shape: dict[str, list[float]] = {}
        for query in queries:
            began = time.perf_counter()
            result = await search.search(query)
            latencies.append((time.perf_counter() - began) * 1000)
            totals.append(result.total)
            shape = ("text" if query.text else "no text") + (", facets" if query.facets else "")
            if query.text in TYPED_QUERIES:
                shape = "as people type"
            by_shape.setdefault(shape, []).append(latencies[-1])
        began = time.perf_counter()
        shares = await asyncio.gather(*(timed(search, queries[n::CLIENTS]) for n in range(CLIENTS)))
        concurrent = [latency for share in shares for latency in share]
        throughput = len(concurrent) / (time.perf_counter() - began)
        await search.close()
    print(f"| documents | {document_count:,} |")
    print("|---|---|")
    print(f"| indexing | {document_count / indexing:,.0f} docs/s ({indexing:.1f} s) |")
    print(f"| index size | {size / 1e6:.0f} MB |")
    print(f"| first search (loads the in-memory arrays) | {first_search:.0f} ms |")
    print(
        f"| queries (one client) | {len(latencies)}, median total {statistics.median(totals):,.0f} hits |"
    )
    for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        print(f"| {label} | {percentile(latencies, share):.1f} ms |")
    print(f"| max | {max(latencies):.1f} ms |")
    for shape, values in sorted(by_shape.items()):
        print(f"| p95 of {shape} ({len(values)}) | {percentile(values, 0.95):.1f} ms |")
    print(f"| {CLIENTS} clients at once | {len(concurrent)} queries, {throughput:.0f} queries/s |")
    for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        print(f"| {label}, {CLIENTS} clients | {percentile(concurrent, share):.1f} ms |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| peak memory of this process (documents included) | {peak:.0f} MB |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.documents, arguments.queries))
