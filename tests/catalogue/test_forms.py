"""The entry forms' fields as the pages post them: line rows, tags, the whole city."""

from catalogue.forms import WHOLE_CITY, entry_data
from tests.factories import YILE_TOWNSHIP


def test_line_rows_without_an_amount_are_left_out_and_tags_split() -> None:
    values = {
        "lines.0.kind": "funds",
        "lines.0.amount": "100",
        "lines.1.kind": "goods",
        "lines.2.kind": "goods",
        "lines.2.amount": "3",
        "lines.2.item": "书架",
        "lines.2.unit": "个",
        "tags": "图书, 儿童、书架，",
        "whole_city": True,
        "service_region_codes": [YILE_TOWNSHIP],
    }
    data, rows = entry_data(values)
    assert rows == [0, 2]
    assert data["lines"] == [
        {"kind": "funds", "amount": "100"},
        {"kind": "goods", "amount": "3", "item": "书架", "unit": "个"},
    ]
    assert data["tags"] == ["图书", "儿童", "书架"]
    assert data["service_region_codes"] == [YILE_TOWNSHIP, WHOLE_CITY]
