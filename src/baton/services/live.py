"""The live workspace: a version's rules parsed and compiled once, as one immutable value.

Routing flows, calendars, SLA rules, the lifecycle, the handoff, the ownership rules, the
alerts section and the health thresholds of a version are compiled together the first time
a process needs that version, and kept in a small bounded cache keyed by version and content
hash. Activating another version changes which one is *active*; every
transaction looks that up once and reads the compiled value from the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from sqlalchemy import Connection, select

from baton.domain.calendar import BusinessCalendar
from baton.store.lookup import tx_memo
from baton.store.tables import workspace_versions
from baton.workspace.alerts_schema import AlertsSpec
from baton.workspace.calendars import build_calendar
from baton.workspace.handoff_compile import HandoffConfig, compile_handoff
from baton.workspace.health_schema import HealthSpec
from baton.workspace.lifecycle_compile import LifecycleConfig, compile_lifecycle
from baton.workspace.ownership_compile import OwnershipConfig, compile_ownership
from baton.workspace.routing_compile import PoolConfig, RoutingConfig, compile_routing
from baton.workspace.sla_compile import SlaConfig, SlaRule, compile_sla
from baton.workspace.spec import WorkspaceSpec

CACHE_SIZE = 8  # versions kept compiled per process (the live one, drafts being tested, …)


@dataclass(frozen=True)
class LiveWorkspace:
    """One version compiled. Its routing is compiled when first asked for (``routing``):
    the flows' conditions need rule-engine's parser, which takes a second or more to build
    in a fresh process — a command that only reads (``baton health``, a report) never waits
    for it."""

    version: int
    content_hash: str
    spec: WorkspaceSpec
    sla: SlaConfig
    calendars: Mapping[str, BusinessCalendar]
    health: HealthSpec
    lifecycle: LifecycleConfig
    handoff: HandoffConfig | None  # None: no handoff: section, deals close as before
    ownership: OwnershipConfig | None = None  # None: no ownership: section, nothing enforced

    @property
    def zone(self) -> str:
        """The workspace's own time zone (reports' days and weeks, defaults)."""
        return self.spec.workspace.timezone

    @property
    def alerts(self) -> AlertsSpec | None:
        return self.spec.alerts

    @cached_property
    def routing(self) -> RoutingConfig:
        return compile_routing(self.spec)[0]

    @cached_property
    def pools(self) -> Mapping[str, PoolConfig]:
        """The round-robin pools, named and each team's rotation (what reports weigh a pool's
        leads by); without compiling the flows when the routing has not been compiled yet."""
        if "routing" in self.__dict__:
            return self.routing.pools
        routing = self.spec.routing
        without_flows = self.spec.model_copy(
            update={"routing": routing.model_copy(update={"flows": []}) if routing else None}
        )
        return compile_routing(without_flows)[0].pools

    @property
    def routes_leads(self) -> bool:
        return bool(self.routing.flows)

    def rule(self, name: str) -> SlaRule | None:
        """The SLA rule called ``name`` in this version (None: it has none by that name)."""
        return next((r for r in self.sla.rules if r.name == name), None)


def compile_workspace(number: int, content_hash: str, document: dict) -> LiveWorkspace:
    spec = WorkspaceSpec.model_validate(document)
    calendars = {name: build_calendar(name, cal) for name, cal in spec.calendars.items()}
    return LiveWorkspace(
        version=number,
        content_hash=content_hash,
        spec=spec,
        sla=compile_sla(spec)[0],
        calendars=MappingProxyType(calendars),
        health=spec.health or HealthSpec(),
        lifecycle=compile_lifecycle(spec)[0],
        handoff=compile_handoff(spec)[0] if spec.handoff is not None else None,
        ownership=compile_ownership(spec)[0] if spec.ownership is not None else None,
    )


class _Compiled:
    """A bounded, thread-safe least-recently-used cache of compiled versions."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], LiveWorkspace] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conn: Connection, number: int, content_hash: str) -> LiveWorkspace:
        key = (number, content_hash)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        v = workspace_versions.c
        document = conn.execute(select(v.document).where(v.number == number)).scalar_one()
        live = compile_workspace(number, content_hash, document)
        with self._lock:
            self._items[key] = live
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return live

    def __len__(self) -> int:
        return len(self._items)


COMPILED = _Compiled(CACHE_SIZE)


def live_workspace(conn: Connection, version: int | None = None) -> LiveWorkspace | None:
    """Version ``version`` compiled (default: the active one); None when there is none.

    The active version is looked up once per transaction.
    """
    memo = tx_memo(conn)
    key = ("live", version)
    if key not in memo:
        v = workspace_versions.c
        where = v.number == version if version is not None else v.state == "active"
        row = conn.execute(select(v.number, v.content_hash).where(where)).first()
        memo[key] = COMPILED.get(conn, row.number, row.content_hash) if row else None
    return memo[key]
