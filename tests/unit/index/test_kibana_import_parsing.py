"""Reading Kibana's import answers and judging field capabilities, without services."""

import json

import pytest

from storywatch.index.kibana_fields import FieldUse, check_field_caps
from storywatch.index.kibana_import import (
    KibanaImportError,
    import_url,
    parse_import_response,
)

URL = "http://kibana.invalid/api/saved_objects/_import?overwrite=true"


def test_import_url_with_and_without_a_space() -> None:
    assert import_url("http://k:5601/") == "http://k:5601/api/saved_objects/_import?overwrite=true"
    assert import_url("http://k:5601", "default") == import_url("http://k:5601")
    assert import_url("http://k:5601", "team a") == (
        "http://k:5601/s/team%20a/api/saved_objects/_import?overwrite=true"
    )


def test_created_overwritten_renamed_and_refused_objects() -> None:
    body = {
        "success": False,
        "successCount": 2,
        "successResults": [
            {"type": "index-pattern", "id": "a", "meta": {"title": "A"}, "overwrite": True},
            {"type": "lens", "id": "b", "destinationId": "b2", "meta": {"title": "B"}},
        ],
        "errors": [
            {
                "type": "dashboard",
                "id": "d",
                "meta": {"title": "D"},
                "error": {"type": "conflict"},
            }
        ],
    }
    report = parse_import_response(URL, 200, json.dumps(body))
    assert not report.ok
    assert report.lines() == [
        "overwritten: index-pattern a (A)",
        "created: lens b2 (B)",
        "error: dashboard d (D): conflict",
    ]


@pytest.mark.parametrize(
    ("status", "text", "expected"),
    [
        (400, '{"statusCode":400,"error":"Bad Request","message":"bad file"}', "Bad Request: bad"),
        (403, "", "HTTP 403"),
        (200, "<html>proxy</html>", "not with a saved-objects import result"),
        (502, "Bad gateway", "HTTP 502"),
    ],
)
def test_http_level_failures_raise_one_line(status: int, text: str, expected: str) -> None:
    with pytest.raises(KibanaImportError) as caught:
        parse_import_response(URL, status, text)
    message = str(caught.value)
    assert expected in message and "\n" not in message


def test_field_caps_conflicts_and_missing_capabilities() -> None:
    uses = [
        FieldUse("o", "idx", "when", "time"),
        FieldUse("o", "idx", "who", "aggregate"),
        FieldUse("o", "idx", "body", "search"),
        FieldUse("o", "idx", "gone", "display"),
    ]
    caps = {
        "idx": {
            "when": {"date": {"aggregatable": True, "searchable": True}},
            "who": {
                "keyword": {"aggregatable": True, "searchable": True},
                "text": {"aggregatable": False, "searchable": True},
            },
            "body": {"text": {"aggregatable": False, "searchable": False}},
        }
    }
    assert check_field_caps(uses, caps) == [
        "o: who in idx: conflicting types ['keyword', 'text']",
        "o: body in idx: search needs a searchable field (text is not)",
        "o: gone in idx: not mapped",
    ]
