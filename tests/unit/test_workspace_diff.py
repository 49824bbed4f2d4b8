from baton.workspace.diff import diff_documents


def test_identical_documents_have_no_diff():
    doc = {"workspace": {"name": "A"}, "people": [{"id": "ana", "team": "x"}]}
    assert diff_documents(doc, doc) == []


def test_people_are_compared_by_id_not_position():
    old = {"people": [{"id": "ana", "team": "sdr"}, {"id": "bob", "team": "ae"}]}
    new = {
        "people": [
            {"id": "bob", "team": "ae"},
            {"id": "ana", "team": "ae"},
            {"id": "cy", "team": "sdr"},
        ]
    }
    assert diff_documents(old, new) == [
        '~ people[ana].team: "sdr" → "ae"',
        '+ people[cy]: {"id": "cy", "team": "sdr"}',
    ]


def test_key_order_does_not_matter():
    """PostgreSQL's JSONB reorders keys; the diff must read the same from either store."""
    old = {"b": 1, "a": {"y": 1, "x": 2}}
    new = {"a": {"x": 3, "y": 1}, "b": 2}
    reordered = {"a": {"x": 2, "y": 1}, "b": 1}
    assert (
        diff_documents(old, new) == diff_documents(reordered, new) == ["~ a.x: 2 → 3", "~ b: 1 → 2"]
    )


def test_removed_keys_and_items():
    old = {
        "calendars": {"us": {"timezone": "UTC"}, "eu": {"timezone": "UTC"}},
        "definitions": [{"term": "MQL", "approved": False}],
    }
    new = {
        "calendars": {"us": {"timezone": "America/New_York"}},
        "definitions": [{"term": "MQL", "approved": True}],
    }
    assert diff_documents(old, new) == [
        '- calendars.eu: {"timezone": "UTC"}',
        '~ calendars.us.timezone: "UTC" → "America/New_York"',
        "~ definitions[MQL].approved: false → true",
    ]


def test_first_version_lists_its_sections():
    lines = diff_documents(None, {"workspace": {"name": "A"}, "people": []})
    assert lines == ["+ (first version)", '+ workspace: {"name": "A"}']
