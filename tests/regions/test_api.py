"""The regions API, the county directory pages and the region picker."""

from httpx import AsyncClient as Client

ZHENXIONG = "530627000000"
YILE = "530627106000"
YILE_VILLAGE = "530627106201"


async def test_children_of_a_county_are_its_townships_in_code_order(client: Client) -> None:
    response = await client.get("/api/v1/regions", params={"parent": ZHENXIONG, "page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 30
    assert body["page"] == 1
    assert body["page_size"] == 100
    codes = [item["code"] for item in body["items"]]
    assert codes == sorted(codes)
    assert {item["level"] for item in body["items"]} == {"township"}
    assert {item["parent_code"] for item in body["items"]} == {ZHENXIONG}
    assert "以勒镇" in {item["name"] for item in body["items"]}


async def test_pages_split_the_list_and_keep_the_total(client: Client) -> None:
    first = (
        await client.get("/api/v1/regions", params={"parent": ZHENXIONG, "page_size": 20})
    ).json()
    second = (
        await client.get(
            "/api/v1/regions", params={"parent": ZHENXIONG, "page_size": 20, "page": 2}
        )
    ).json()
    assert first["total"] == second["total"] == 30
    assert len(first["items"]) == 20
    assert len(second["items"]) == 10
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}


async def test_one_region_by_code(client: Client) -> None:
    response = await client.get(f"/api/v1/regions/{YILE_VILLAGE}")
    assert response.status_code == 200
    assert response.json() == {
        "code": YILE_VILLAGE,
        "name": "以勒村民委员会",
        "short_name": "以勒村",
        "level": "village",
        "parent_code": YILE,
        "full_name": "镇雄县/以勒镇/以勒村",
    }


async def test_name_search_puts_the_exact_name_first(client: Client) -> None:
    body = (await client.get("/api/v1/regions", params={"q": "以勒"})).json()
    names = [item["short_name"] for item in body["items"]]
    assert names[:2] == ["以勒镇", "以勒村"]
    assert body["total"] == 2


async def test_name_search_by_path_and_level(client: Client) -> None:
    by_path = (await client.get("/api/v1/regions", params={"q": "镇雄县/以勒镇/"})).json()
    assert by_path["total"] == 12
    assert {item["parent_code"] for item in by_path["items"]} == {YILE}
    counties = (await client.get("/api/v1/regions", params={"level": "county"})).json()
    assert counties["total"] == 11


async def test_like_wildcards_in_a_name_search_match_literally(client: Client) -> None:
    body = (await client.get("/api/v1/regions", params={"q": "%"})).json()
    assert body["total"] == 0


async def test_unknown_code_is_404_with_a_clear_message(client: Client) -> None:
    response = await client.get("/api/v1/regions/530627999999")
    assert response.status_code == 404
    assert response.json()["code"] == "region_not_found"
    assert "530627999999" in response.json()["message"]
    children = await client.get("/api/v1/regions", params={"parent": "530627999999"})
    assert children.status_code == 404
    assert children.json()["code"] == "region_not_found"
    document = (await client.get("/api/schema/openapi.json")).json()
    assert "404" in document["paths"]["/api/v1/regions"]["get"]["responses"]


async def test_api_messages_follow_the_chosen_language(english: Client) -> None:
    response = await english.get("/api/v1/regions/530627999999")
    assert response.json()["message"] == "No administrative division has the code 530627999999."


async def test_chinese_is_the_default_language_of_api_messages(client: Client) -> None:
    response = await client.get("/api/v1/regions/530627999999")
    assert response.json()["message"] == "行政区划代码 530627999999 不存在。"


async def test_malformed_parameters_are_400_naming_the_field(client: Client) -> None:
    cases = {
        "parent": {"parent": "5306"},
        "page": {"page": "0"},
        "page_size": {"page_size": "101"},
        "level": {"level": "province"},
        "q": {"q": "x" * 51},
    }
    for field, params in cases.items():
        response = await client.get("/api/v1/regions", params=params)
        assert response.status_code == 400, field
        body = response.json()
        assert body["code"] == "invalid_input"
        assert [error["field"] for error in body["errors"]] == [field]
    assert (await client.get("/api/v1/regions/abc")).status_code == 400


async def test_openapi_describes_the_regions_api(client: Client) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/v1/regions" in schema["paths"]
    assert "/api/v1/regions/{code}" in schema["paths"]
    assert "/regions" not in schema["paths"]


async def test_county_directory_lists_every_county_with_its_townships(client: Client) -> None:
    response = await client.get("/regions")
    assert response.status_code == 200
    page = response.text
    for county in (
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
    ):
        assert county in page
    assert "以勒镇" in page
    assert "30 个乡镇（街道），262 个村（社区）" in page


async def test_county_directory_in_english(english: Client) -> None:
    page = (await english.get("/regions")).text
    assert "Counties, townships and villages" in page
    assert "30 townships, 262 villages" in page


async def test_region_page_shows_the_breadcrumb_and_children(client: Client) -> None:
    page = (await client.get(f"/regions/{YILE}")).text
    assert "镇雄县" in page
    assert "以勒村" in page
    assert YILE_VILLAGE in page
    assert "乡镇（街道）" in page


async def test_unknown_region_page_is_a_chinese_404(client: Client) -> None:
    response = await client.get("/regions/530627999999")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "行政区划代码 530627999999 不存在" in response.text


async def test_picker_starts_with_the_counties(client: Client) -> None:
    response = await client.get("/regions/_picker", params={"field": "region"})
    assert response.status_code == 200
    assert response.text.count('value="5306') == 11
    assert 'name="region" value=""' in response.text


async def test_picker_follows_the_choices_down_to_a_village(client: Client) -> None:
    response = await client.get(
        "/regions/_picker",
        params={
            "field": "region",
            "_county": ZHENXIONG,
            "_township": YILE,
            "_village": YILE_VILLAGE,
        },
    )
    assert f'name="region" value="{YILE_VILLAGE}"' in response.text
    assert "以勒村" in response.text
    assert "HX-Request" in response.headers["vary"]


async def test_picker_drops_a_township_of_another_county(client: Client) -> None:
    zhaoyang = "530602000000"
    response = await client.get(
        "/regions/_picker", params={"field": "region", "_county": zhaoyang, "_township": YILE}
    )
    assert f'name="region" value="{zhaoyang}"' in response.text
    assert "凤凰街道" in response.text


async def test_picker_opens_on_a_given_code(client: Client) -> None:
    response = await client.get("/regions/_picker", params={"field": "place", "code": YILE})
    assert f'name="place" value="{YILE}"' in response.text
    assert f'<option value="{YILE}" selected>' in response.text


async def test_picker_form_lands_on_the_chosen_region(client: Client) -> None:
    response = await client.get("/regions/go", params={"code": YILE}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == f"/regions/{YILE}"


async def _lands(client: Client, typed: str) -> str:
    response = await client.get("/regions/go", params={"q": typed}, follow_redirects=False)
    assert response.status_code in (302, 303), (typed, response.status_code)
    return response.headers["location"]


async def test_the_six_digit_county_code_people_type_opens_the_county(client: Client) -> None:
    assert await _lands(client, "530602") == "/regions/530602000000"
    assert await _lands(client, " ５３０６０２ ") == "/regions/530602000000", "full-width digits"
    assert await _lands(client, "530627106") == f"/regions/{YILE}", "a township's nine digits"
    assert await _lands(client, YILE_VILLAGE) == f"/regions/{YILE_VILLAGE}"
    page = await client.get("/regions/go", params={"q": "530602"}, follow_redirects=True)
    assert "<h1>昭阳区</h1>" in page.text


async def test_a_name_or_a_name_path_opens_its_division(client: Client) -> None:
    assert await _lands(client, "昭阳区") == "/regions/530602000000"
    assert await _lands(client, "以勒镇") == f"/regions/{YILE}"
    assert await _lands(client, "镇雄县/以勒镇") == f"/regions/{YILE}"


async def test_several_matches_are_listed_and_none_is_said_plainly(client: Client) -> None:
    several = await client.get("/regions/go", params={"q": "以勒"})
    assert several.status_code == 200
    assert "有多个行政区划与“以勒”相符" in several.text
    assert f'href="/regions/{YILE}"' in several.text
    for typed in ("999999", "12345", "不存在的地方"):
        none = await client.get("/regions/go", params={"q": typed})
        assert none.status_code == 404
        assert "请输入 6 位或 12 位代码" in none.text
    too_long = await client.get("/regions/go", params={"q": "5" * 51})
    assert too_long.status_code == 400


async def test_the_region_search_accepts_codes_as_typed(client: Client) -> None:
    for typed in ("530602", "530602000000"):
        body = (await client.get("/api/v1/regions", params={"q": typed})).json()
        assert [item["name"] for item in body["items"]] == ["昭阳区"]
        assert body["total"] == 1
    other_level = await client.get("/api/v1/regions", params={"q": "530602", "level": "village"})
    assert other_level.json()["total"] == 0


async def test_the_directory_offers_a_box_for_a_code_or_a_name(client: Client) -> None:
    page = (await client.get("/regions")).text
    assert 'name="q"' in page
    assert "代码或名称" in page
