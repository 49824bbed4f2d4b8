"""Cross-reference checks: ids that must exist, ids that must be unique, holiday
sets that must be known. Runs on the raw data so it reports alongside schema
errors; values of the wrong type are skipped here (the schema reports them)."""

from __future__ import annotations

from typing import Any

from baton.workspace.hints import did_you_mean
from baton.workspace.problems import Problem
from baton.workspace.sources import SourceMap


def check_references(data: dict[str, Any], source_map: SourceMap) -> list[Problem]:
    people = _items(data, "people")
    teams = _items(data, "teams")
    calendars = data.get("calendars") if isinstance(data.get("calendars"), dict) else {}
    person_ids = _unique("people", people, "id", "person id", source_map)
    team_ids = _unique("teams", teams, "id", "team id", source_map)
    problems = person_ids.problems + team_ids.problems
    problems += _unique(
        "definitions", _items(data, "definitions"), "term", "definition term", source_map
    ).problems
    ids = {
        "person": list(person_ids.seen),
        "team": list(team_ids.seen),
        "calendar": [str(c) for c in calendars],
    }
    refs = [
        ("people", people, "manager", "person", "someone under people:"),
        ("people", people, "team", "team", "a team under teams:"),
        ("people", people, "calendar", "calendar", "a calendar under calendars:"),
        ("teams", teams, "manager", "person", "someone under people:"),
        ("teams", teams, "calendar", "calendar", "a calendar under calendars:"),
    ]
    for section, items, key, kind, where in refs:
        for i, item in items:
            value = item.get(key)
            if isinstance(value, str) and value and value not in ids[kind]:
                loc = (section, i, key)
                example = ids[kind][0] if ids[kind] else None
                problems.append(
                    Problem(
                        *source_map.where(loc),
                        f"'{value}' is not a known {kind}{did_you_mean(value, ids[kind])}",
                        f"the id of {where}",
                        example,
                    )
                )
    problems += _manager_cycles(people, source_map)
    problems += _people_warnings(people, source_map)
    problems += check_calendar_sets(calendars, source_map)
    return problems


class _Seen:
    def __init__(self) -> None:
        self.seen: dict[str, tuple[object, ...]] = {}
        self.problems: list[Problem] = []


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(section)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _unique(section: str, items, key: str, what: str, source_map: SourceMap) -> _Seen:
    result = _Seen()
    for i, item in items:
        value = item.get(key)
        if not isinstance(value, str):
            continue
        loc = (section, i, key)
        if value in result.seen:
            first_file, first_line = source_map.locate(result.seen[value])
            result.problems.append(
                Problem(
                    *source_map.where(loc),
                    f"duplicate {what} '{value}' (first defined at {first_file}:{first_line})",
                    f"a unique {what}",
                )
            )
        else:
            result.seen[value] = loc
    return result


def _manager_cycles(people, source_map: SourceMap) -> list[Problem]:
    manager = {p["id"]: p.get("manager") for _, p in people if isinstance(p.get("id"), str)}
    index = {p["id"]: i for i, p in people if isinstance(p.get("id"), str)}
    problems, reported = [], set()
    for start in manager:
        chain, node = [], start
        while isinstance(node, str) and node in manager and node not in chain:
            chain.append(node)
            node = manager[node]
        if node == start and start not in reported:
            reported.update(chain)
            loc = ("people", index[start], "manager")
            problems.append(
                Problem(
                    *source_map.where(loc),
                    "manager chain loops: " + " → ".join(chain + [start]),
                    "a chain that ends at someone with no manager",
                )
            )
    return problems


def _people_warnings(people, source_map: SourceMap) -> list[Problem]:
    problems = []
    for i, person in people:
        if (
            person.get("active", True) is True
            and not person.get("email")
            and not person.get("slack_id")
        ):
            problems.append(
                Problem(
                    *source_map.where(("people", i)),
                    f"'{person.get('id')}' has neither email nor slack_id, "
                    "so no alert can reach them",
                    "an email or a slack_id",
                    "ana@acme.com",
                    severity="warning",
                )
            )
    return problems


def check_calendar_sets(calendars: dict[str, Any], source_map: SourceMap) -> list[Problem]:
    """Holiday countries/subdivisions must be known to the holidays package."""
    from baton.domain.calendar import check_holiday_country

    problems = []
    for name, cal in calendars.items():
        sets = cal.get("holidays") if isinstance(cal, dict) else None
        listed = isinstance(sets, list)  # else one set written without the list, or nothing
        for i, ref in enumerate(sets if listed else [sets]):
            if not isinstance(ref, dict) or not isinstance(ref.get("country"), str):
                continue
            subdivision = (
                ref.get("subdivision") if isinstance(ref.get("subdivision"), str) else None
            )
            message = check_holiday_country(ref["country"], subdivision)
            if message:
                key = (
                    "subdivision"
                    if subdivision and ref["country"] and "subdivision" in message.lower()
                    else "country"
                )
                loc = ("calendars", name, "holidays", *((i,) if listed else ()), key)
                problems.append(Problem(*source_map.where(loc), message))
    return problems
