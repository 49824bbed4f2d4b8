"""``GET /v1/health/flags``: every health monitor as of now (docs/health.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from baton.api.deps import BatonDep, Read
from baton.api.guard import GuardedRoute
from baton.domain.health import overall
from baton.services.health.registry import evaluate

router = APIRouter(prefix="/v1/health", tags=["Health"], route_class=GuardedRoute)

StatusName = Literal["green", "amber", "red", "not_judged"]


class MonitorSample(BaseModel):
    size: int
    needed: int = Field(description="the health: minimum before the monitor is judged")
    unit: str
    enough: bool


class MonitorItem(BaseModel):
    what: str
    records: str | None = Field(description="dashboard drill-down to these records")


class MonitorOut(BaseModel):
    name: str = Field(examples=["pool_imbalance"])
    title: str
    status: StatusName = Field(description="not_judged: the sample is below its minimum")
    value: float | None
    threshold: float
    direction: Literal["above", "below"] = Field(
        description="above: red when the value is over the threshold; below: under it"
    )
    threshold_key: str = Field(description="the key under health: (or '(any)')")
    unit: Literal["share", "count", "seconds", "ratio"]
    detail: str
    response: str = Field(description="what the playbook says to do")
    sample: MonitorSample | None
    records: str | None = Field(description="dashboard drill-down to the records behind it")
    items: list[MonitorItem]


class HealthFlags(BaseModel):
    status: Literal["green", "amber", "red"] = Field(description="the worst judged monitor")
    as_of: datetime
    monitors: list[MonitorOut]


@router.get(
    "/flags",
    summary="Health monitors: green, amber, red or not judged, with the records behind each",
    response_model=HealthFlags,
)
def flags(baton: BatonDep, token: Read) -> dict[str, Any]:
    now = baton.clock.now()
    with baton.db.read() as conn:
        monitors = evaluate(conn, now)
    return {
        "status": overall(monitors).value,
        "as_of": now,
        "monitors": [m.as_dict() for m in monitors],
    }
