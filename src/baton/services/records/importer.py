"""Use case: import a CSV export (leads, accounts, people, activities, opportunities).

Rows go through the same intake as the API, in chunks, leniently typed (CSV
cells are text). Columns that are not fields land in ``extra``. Rejected rows
are written to a rejects file with their line number and reasons, so nothing
is silently dropped.
"""

from __future__ import annotations

import csv
import io
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ValidationError

from baton.services.app import App
from baton.services.outcomes import FieldError, ItemResult, errors_from_validation
from baton.services.people.directory import submit_people
from baton.services.people.payloads import PersonIn
from baton.services.records.csvdates import parse_crm_datetime
from baton.services.records.intake import Submission, submit
from baton.services.records.kinds import KINDS

CHUNK = 500
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
LIST_FIELDS = {"domains"}


@dataclass
class ImportSummary:
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, dict[str, str], list[FieldError]]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def write_rejects(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            columns = sorted({k for _, row, _ in self.rejected for k in row})
            writer = csv.writer(fh)
            writer.writerow(["line", "reasons", *columns])
            for line, row, errors in self.rejected:
                reasons = "; ".join(f"{e.as_dict()['field']}: {e.message}" for e in errors)
                writer.writerow([line, reasons, *(row.get(c, "") for c in columns)])


@dataclass(frozen=True)
class ImportOptions:
    kind: str
    mapping: dict[str, str]  # csv column -> field
    zone: ZoneInfo
    day_first: bool = False
    source_system: str | None = None
    actor: str = "cli:import"


def import_csv(
    app: App,
    path: Path,
    opts: ImportOptions,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Import a CSV file in chunks, each one unit of work (stored as of the clock's now)."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    summary = ImportSummary()
    model = _model_for(opts.kind)
    chunk: list[tuple[int, dict[str, str], dict[str, Any] | list[FieldError]]] = []
    for row in reader:
        summary.rows += 1
        chunk.append((reader.line_num, row, row_to_payload(row, model, opts)))
        if len(chunk) >= CHUNK:
            _flush(app, chunk, opts, summary)
            progress(len(chunk))
            chunk = []
    if chunk:
        _flush(app, chunk, opts, summary)
        progress(len(chunk))
    summary.rejected.sort(key=lambda r: r[0])
    return summary


def _model_for(kind: str) -> type[BaseModel]:
    return PersonIn if kind == "person" else KINDS[kind].payload


def row_to_payload(
    row: dict[str, str], model: type[BaseModel], opts: ImportOptions
) -> dict[str, Any] | list[FieldError]:
    item: dict[str, Any] = {}
    extra: dict[str, str] = {}
    errors: list[FieldError] = []
    for column, value in row.items():
        if column is None:
            errors.append(FieldError((), "row has more cells than the header"))
            continue
        name = opts.mapping.get(column, column.strip())
        value = (value or "").strip()
        if value == "":
            continue
        if name not in model.model_fields:
            extra[name] = value
            continue
        try:
            item[name] = _cell(name, value, model, opts)
        except ValueError as exc:
            errors.append(FieldError((name,), str(exc)))
    if extra and "extra" in model.model_fields:
        item["extra"] = {**extra, **item.get("extra", {})}
    if opts.source_system is not None and "source_system" in model.model_fields:
        item.setdefault("source_system", opts.source_system)
    if errors:
        errors += _other_errors(model, item, {e.loc for e in errors})
    return errors or item


def _other_errors(
    model: type[BaseModel], item: dict[str, Any], known: set[tuple]
) -> list[FieldError]:
    """What else is wrong with a row whose cells already failed to parse: report it all at once."""
    try:
        model.model_validate(item)
    except ValidationError as exc:
        return [
            e for e in errors_from_validation(exc) if e.loc not in known and e.loc[:1] not in known
        ]
    return []


def _cell(name: str, value: str, model: type[BaseModel], opts: ImportOptions) -> Any:
    annotation = model.model_fields[name].annotation
    if _is(annotation, AwareDatetime) or _is(annotation, datetime):
        return parse_crm_datetime(value, opts.zone, day_first=opts.day_first, day_first_option=True)
    if name in LIST_FIELDS:
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if (_is(annotation, int) or _is(annotation, float)) and THOUSANDS.fullmatch(value):
        return value.replace(",", "")  # 1,200 -> 1200
    return value


def _is(annotation: Any, target: type) -> bool:
    """Whether ``annotation`` is ``target``, ``target | None`` or an ``Annotated`` of it
    (``Count`` is an int with bounds)."""
    args = (
        get_args(annotation)
        if get_origin(annotation) in (Union, types.UnionType)
        else (annotation,)
    )
    return target in (get_args(a)[0] if get_origin(a) is Annotated else a for a in args)


def _flush(app: App, chunk: list, opts: ImportOptions, summary: ImportSummary) -> None:
    ready = [(line, row, item) for line, row, item in chunk if isinstance(item, dict)]
    for line, row, item in chunk:
        if not isinstance(item, dict):
            summary.rejected.append((line, row, item))
    if not ready:
        return
    items = [item for _, _, item in ready]
    if opts.kind == "person":
        results = submit_people(app, items, opts.actor)
    else:
        results = submit(app, Submission(KINDS[opts.kind], items, opts.actor, strict=False)).results
    for (line, row, _), result in zip(ready, results, strict=True):
        _count(summary, line, row, result)


def _count(summary: ImportSummary, line: int, row: dict[str, str], result: ItemResult) -> None:
    if result.status == "created":
        summary.inserted += 1
    elif result.status == "existing":
        summary.duplicates += 1
    else:
        summary.rejected.append((line, row, result.errors))
    summary.warnings += [(line, w) for w in result.warnings]
