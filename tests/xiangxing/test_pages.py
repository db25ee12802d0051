"""The web shell: home page, language switch, flash messages, error pages."""

from httpx import AsyncClient as Client

from accounts.models import Verification
from tests.factories import make_organization

COUNTIES = (
    "昭阳区",
    "鲁甸县",
    "巧家县",
    "盐津县",
    "大关县",
    "永善县",
    "绥江县",
    "镇雄县",
    "彝良县",
    "威信县",
    "水富市",
)


async def test_home_page_is_chinese_by_default_with_live_counts(client: Client) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="zh-CN">' in page
    assert "乡兴：社会组织助力乡村振兴" in page
    assert ">11<" in page
    assert ">150<" in page
    assert ">1,402<" in page
    for county in COUNTIES:
        assert county in page
    assert '<meta name="viewport"' in page


async def test_home_page_in_english(english: Client) -> None:
    page = (await english.get("/")).text
    assert '<html lang="en">' in page
    assert "Xiangxing: social organizations helping villages" in page
    assert "villages and communities" in page
    assert "乡兴：" not in page


async def test_switching_language_sets_a_cookie_and_returns_to_the_page(client: Client) -> None:
    response = await client.get("/lang/en", params={"next": "/regions"}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/regions"
    assert "lang=en" in response.headers["set-cookie"]
    page = (await client.get("/regions")).text
    assert "Counties, townships and villages" in page
    assert "The pages are now shown in English." in page
    assert "The pages are now shown in English." not in (await client.get("/regions")).text


async def test_switching_back_to_chinese_says_so_in_chinese(english: Client) -> None:
    await english.get("/lang/zh", params={"next": "/"}, follow_redirects=False)
    assert "页面已切换为中文" in (await english.get("/")).text


async def test_language_switch_never_redirects_off_site(client: Client) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = await client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/", target


async def test_unknown_language_is_404(client: Client) -> None:
    assert (await client.get("/lang/fr")).status_code == 404


async def test_unknown_page_is_a_chinese_404_page(client: Client) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "页面不存在" in response.text
    assert "返回首页" in response.text


async def test_unknown_api_route_answers_json(client: Client) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_wrong_method_is_405_not_500(client: Client) -> None:
    response = await client.post("/api/v1/regions")
    assert response.status_code == 405


async def test_static_files_are_served_with_caching(client: Client) -> None:
    response = await client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]


async def test_pages_are_compressed_for_slow_connections(client: Client) -> None:
    response = await client.get("/regions", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


async def test_home_page_counts_the_published_catalogue(client: Client, session) -> None:

    await make_organization(session, "已核验协会")
    await make_organization(session, "待核验协会甲", verification=Verification.PENDING)
    page = (await client.get("/")).text
    assert "条已发布村社需求" in page
    assert "家已核验社会组织" in page
    verified = page.split("家已核验社会组织")[0].rsplit('class="stat-value">', 1)[1]
    assert verified.startswith("1<")
