"""`baton roe replay disputes.csv`: past disputes judged by today's rules
(``domain.ownership.replay``). Every row is read and checked first; a bad cell is an error at
its file and line with the fix, all of them together, and nothing is judged. Nothing is
written anywhere: the rules are only read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from baton.domain.ownership import AccountFacts, OpportunityFacts, OwnershipRules
from baton.domain.ownership.disputes import Outcome
from baton.domain.ownership.replay import PastDispute, Replayed, replay
from baton.workspace.hints import did_you_mean
from baton.workspace.problems import Problem
from baton.workspace.sources import read_csv_rows

REQUIRED = ("entity", "account_id", "raised_at", "owner", "claimant", "outcome")
OPTIONAL = (
    "dispute",
    "named",
    "segment",
    "employees",
    "parent_id",
    "parent_named",
    "lost_at",
    "lost_owner",
    "opportunity_id",
    "opportunity_open",
    "partner",
    "registered_at",
    "last_activity_at",
    "new_segment",
    "note",
)
COLUMNS = (*REQUIRED, *OPTIONAL)
EXAMPLE = (
    "dispute,entity,account_id,opportunity_id,raised_at,owner,claimant,named,outcome\n"
    "D-14,opportunity,12,301,2026-08-03,emma-schulz,sam-ortiz,true,transfer"
)


class ReplayFileError(ValueError):
    """The file cannot be replayed; ``problems`` lists every error, located."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ReplayRow:
    line: int
    dispute: PastDispute
    now: Replayed

    def as_dict(self) -> dict[str, Any]:
        d, r = self.dispute, self.now
        return {
            "line": self.line,
            "dispute": d.label,
            "entity": d.entity,
            "account_id": d.account.id,
            "opportunity_id": d.opportunity.id if d.opportunity else None,
            "raised_at": d.raised_at,
            "owner": d.owner,
            "claimant": d.claimant,
            "history": d.outcome.value,
            "now": r.outcome.value,
            "rule": r.rule.value if r.rule else None,
            "to": r.to,
            "differs": r.differs,
            "why": r.why,
        }


def replay_file(path: Path, rules: OwnershipRules, zone: ZoneInfo) -> list[ReplayRow]:
    """Each dispute of the CSV file judged by ``rules``, or ReplayFileError (nothing judged)."""
    rows, problems = read_csv_rows(path, path.name)
    if not problems and not rows:
        problems.append(Problem(path.name, None, "", "no disputes in the file", "", EXAMPLE))
    if rows and not problems:
        problems += _columns(path.name, set(rows[0][1]))
    disputes: list[tuple[int, PastDispute]] = []
    if not problems:
        for line, cells in rows:
            found = _Row(path.name, line, cells, zone).dispute()
            if isinstance(found, PastDispute):
                disputes.append((line, found))
            else:
                problems += found
    if problems:
        raise ReplayFileError(problems)
    return [ReplayRow(line, d, replay(rules, d)) for line, d in disputes]


def _columns(file: str, names: set[str]) -> list[Problem]:
    out = [
        Problem(file, 1, "", f"unknown column '{n}'{did_you_mean(n, COLUMNS)}", ", ".join(COLUMNS))
        for n in sorted(names - set(COLUMNS))
    ]
    out += [
        Problem(file, 1, "", f"missing column '{n}'", "the columns " + ", ".join(REQUIRED))
        for n in REQUIRED
        if n not in names
    ]
    return out


class _Row:
    """One row's cells, read into the facts of a past dispute, every bad cell noted."""

    def __init__(self, file: str, line: int, cells: dict[str, str], zone: ZoneInfo) -> None:
        self.file, self.line, self.cells, self.zone = file, line, cells, zone
        self.problems: list[Problem] = []

    def _bad(self, column: str, message: str, expected: str, example: str) -> None:
        self.problems.append(Problem(self.file, self.line, column, message, expected, example))

    def _cell(self, column: str, parse: Callable[[str], Any], expected: str, example: str) -> Any:
        text = self.cells.get(column, "")
        if not text:
            if column in REQUIRED:
                self._bad(column, "is empty", expected, example)
            return None
        try:
            return parse(text)
        except ValueError:
            self._bad(column, f"'{text}' is not {expected}", expected, example)
            return None

    def _when(self, column: str) -> datetime | None:
        parse = lambda t: _instant(t, self.zone)  # noqa: E731
        return self._cell(
            column, parse, "an ISO date or date and time", "2026-08-03 or 2026-08-03T14:00"
        )

    def _flag(self, column: str, default: bool) -> bool:
        value = self._cell(column, _bool, "true or false", "true")
        return default if value is None else bool(value)

    def dispute(self) -> PastDispute | list[Problem]:
        text = lambda c: self.cells.get(c) or None  # noqa: E731
        entity = self._cell("entity", _entity, "account or opportunity", "opportunity")
        account_id = self._cell("account_id", _id, "a whole number (the account's id)", "12")
        raised_at = self._when("raised_at")
        owner = self._cell("owner", str, "the owner's person id", "emma-schulz")
        claimant = self._cell("claimant", str, "the claimant's person id", "sam-ortiz")
        outcome = self._cell(
            "outcome", lambda t: Outcome(t.lower()), "keep, transfer or split", "transfer"
        )
        employees = self._cell("employees", _id, "a whole number", "250")
        parent_id = self._cell("parent_id", _id, "a whole number (the parent's id)", "7")
        parent_named = self._flag("parent_named", False)
        if parent_named and parent_id is None:
            self._bad("parent_id", "is empty but parent_named is true", "the parent's id", "7")
        opp_id = self._cell("opportunity_id", _id, "a whole number", "301")
        if entity == "opportunity" and opp_id is None and not self.cells.get("opportunity_id"):
            self._bad("opportunity_id", "is empty for an opportunity", "its id", "301")
        lost_at, registered_at = self._when("lost_at"), self._when("registered_at")
        last_activity_at = self._when("last_activity_at")
        named, opp_open = self._flag("named", False), self._flag("opportunity_open", True)
        if self.problems:
            return self.problems
        parent = AccountFacts(parent_id, None, named=parent_named) if parent_id else None
        account = AccountFacts(
            account_id,
            owner,
            named,
            text("segment"),
            employees,
            parent,
            lost_at,
            text("lost_owner"),
        )
        opportunity = (
            OpportunityFacts(opp_id, opp_open, text("partner"), registered_at)
            if opp_id is not None
            else None
        )
        label = text("dispute") or f"line {self.line}"
        return PastDispute(
            label,
            entity,
            raised_at,
            owner,
            claimant,
            account,
            opportunity,
            last_activity_at,
            text("new_segment"),
            outcome,
        )


def _instant(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date or date and time; without an offset, in ``zone`` (a date: midnight)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _entity(text: str) -> str:
    if text.lower() not in ("account", "opportunity"):
        raise ValueError(text)
    return text.lower()


def _id(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _bool(text: str) -> bool:
    low = text.strip().lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    raise ValueError(text)
