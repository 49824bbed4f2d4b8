"""Territory tables: rows of criteria → a target; the most specific matching row wins.

Lookup is indexed, not a scan: rows are sorted by specificity (then row
number), every (dimension, value) maps to a bitmask of the rows it admits
(rows that leave the dimension empty admit every value), and the winner is the
lowest set bit of the AND of the lead's masks. Two rows that could match the
same lead with the same specificity are ambiguous: ``ambiguous_pairs`` finds
them before a version is applied, so ties never surprise anyone at run time.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

from baton.domain.routing.vocabulary import TargetKind

SET_DIMENSIONS = ("segment", "country", "region", "state", "industry", "product")
RANGE_DIMENSION = "employees"
DIMENSIONS = SET_DIMENSIONS + (RANGE_DIMENSION,)
TARGETS = tuple(TargetKind)


@dataclass(frozen=True)
class TerritoryRow:
    line: int  # a row from a CSV: its line (the header is line 1); else its place under rows:
    criteria: dict[str, frozenset[str]]  # dimension -> accepted values (upper-cased); absent = any
    employees: tuple[int, int | None] | None  # [min, max] inclusive; None = any
    target_kind: TargetKind
    target: str
    name: str = ""
    from_csv: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_kind", TargetKind(self.target_kind))

    @property
    def label(self) -> str:
        """How traces and errors name the row: ``CSV line 14``, or ``row 3`` (the third
        under ``rows:``)."""
        return f"{'CSV line' if self.from_csv else 'row'} {self.line}"

    @property
    def where(self) -> dict[str, int]:
        """The row in a trace's values: ``{"csv_line": 14}`` or ``{"row": 3}``."""
        return {"csv_line" if self.from_csv else "row": self.line}

    @property
    def specificity(self) -> int:
        return len(self.criteria) + (self.employees is not None)

    def describe(self) -> str:
        parts = [f"{d}={'|'.join(sorted(v))}" for d, v in sorted(self.criteria.items())]
        if self.employees:
            low, high = self.employees
            parts.append(
                f"employees {low:,}–{high:,}" if high is not None else f"employees ≥ {low:,}"
            )
        label = self.label + (f" ({self.name})" if self.name else "")
        return f"{label} [{', '.join(parts) or 'any'}] → {self.target_kind} {self.target}"


class TerritoryTable:
    """An indexed, immutable territory table."""

    def __init__(self, rows: Iterable[TerritoryRow]) -> None:
        self.rows = sorted(rows, key=lambda r: (-r.specificity, r.line))
        everyone = (1 << len(self.rows)) - 1
        self._any: dict[str, int] = {}
        self._by_value: dict[str, dict[str, int]] = {d: {} for d in SET_DIMENSIONS}
        for d in SET_DIMENSIONS:
            wildcard = 0
            for bit, row in enumerate(self.rows):
                if d not in row.criteria:
                    wildcard |= 1 << bit
                for value in row.criteria.get(d, ()):
                    self._by_value[d][value] = self._by_value[d].get(value, 0) | (1 << bit)
            self._any[d] = wildcard
        self._bounds, self._range_masks = _range_index(self.rows, everyone)

    def lookup(self, get: Callable[[str], object]) -> TerritoryRow | None:
        """The most specific row matching the values ``get(dimension)`` returns."""
        mask = self._range_mask(get(RANGE_DIMENSION))
        for d in SET_DIMENSIONS:
            if not mask:
                return None
            value = get(d)
            key = str(value).strip().upper() if value not in (None, "") else None
            mask &= self._any[d] | (self._by_value[d].get(key, 0) if key else 0)
        if not mask:
            return None
        return self.rows[(mask & -mask).bit_length() - 1]

    def _range_mask(self, employees: object) -> int:
        if not isinstance(employees, int) or isinstance(employees, bool):
            return self._range_masks[-1]  # unknown size: only rows without a size range
        return self._range_masks[bisect.bisect_right(self._bounds, employees)]


def _range_index(rows: list[TerritoryRow], everyone: int) -> tuple[list[int], list[int]]:
    """Elementary intervals of the employee ranges, each with the rows it admits (one sweep).

    Mask i admits employee counts v with ``bisect_right(bounds, v) == i``; the
    last mask is for records with no employee count (only rows without a range).
    """
    bounds = sorted(
        {
            b
            for r in rows
            if r.employees
            for b in (r.employees[0], None if r.employees[1] is None else r.employees[1] + 1)
            if b is not None
        }
    )
    no_range = sum(1 << bit for bit, r in enumerate(rows) if r.employees is None)
    starts = [0] * (len(bounds) + 2)
    ends = [0] * (len(bounds) + 2)
    for bit, r in enumerate(rows):
        if r.employees:
            starts[bisect.bisect_right(bounds, r.employees[0])] |= 1 << bit
            last = (
                len(bounds)
                if r.employees[1] is None
                else bisect.bisect_right(bounds, r.employees[1])
            )
            ends[last + 1] |= 1 << bit
    masks, current = [], 0
    for i in range(len(bounds) + 1):
        current = (current | starts[i]) & ~ends[i]
        masks.append(no_range | current)
    masks.append(no_range)
    return bounds, masks


def ambiguous_pairs(rows: list[TerritoryRow]) -> list[tuple[TerritoryRow, TerritoryRow]]:
    """Pairs of rows with equal specificity that some lead could match both of."""
    found: set[tuple[int, int]] = set()
    by_specificity: dict[int, list[TerritoryRow]] = {}
    for row in rows:
        by_specificity.setdefault(row.specificity, []).append(row)
    for group in by_specificity.values():
        _partition(group, list(DIMENSIONS), found)
    index = {r.line: r for r in rows}
    return [(index[a], index[b]) for a, b in sorted(found)]


def _partition(rows: list[TerritoryRow], dims: list[str], found: set[tuple[int, int]]) -> None:
    """Split rows by the values of one dimension; rows left together at the end overlap."""
    if len(rows) < 2:
        return
    if not dims:
        found.update((min(a.line, b.line), max(a.line, b.line)) for a, b in combinations(rows, 2))
        return
    d, rest = dims[0], dims[1:]
    if d == RANGE_DIMENSION:
        for part in _range_parts(rows):
            _partition(part, rest, found)
        return
    values = sorted({v for r in rows for v in r.criteria.get(d, ())})
    wildcard = [r for r in rows if d not in r.criteria]
    for value in values:
        _partition([r for r in rows if d not in r.criteria or value in r.criteria[d]], rest, found)
    _partition(wildcard, rest, found)


def _range_parts(rows: list[TerritoryRow]) -> list[list[TerritoryRow]]:
    probes = sorted({r.employees[0] for r in rows if r.employees} | {0})
    parts = []
    for p in probes:
        parts.append(
            [
                r
                for r in rows
                if r.employees is None
                or (r.employees[0] <= p and (r.employees[1] is None or p <= r.employees[1]))
            ]
        )
    return parts
