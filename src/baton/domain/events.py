"""The kinds of event Baton records: every accepted change, in the past tense.

Each is a row of the append-only event log; the handlers registered for a kind
(``baton.bootstrap.HANDLERS``) react to it in the transaction that recorded it.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    # records arrive and change
    LEAD_CREATED = "lead.created"
    LEAD_UPDATED = "lead.updated"  # payload: {"changed": {field: [before, after]}}
    LEAD_ASSIGNED = "lead.assigned"  # owner or queue changed: by routing, by hand, by a re-route
    LEAD_STATUS_CHANGED = "lead.status_changed"
    LEAD_ROUTED = "lead.routed"  # a routing decision was stored (its trace in routing_decisions)
    LEAD_MISROUTE_FLAGGED = "lead.misroute_flagged"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_ASSIGNED = "account.assigned"
    ACCOUNT_REROUTED = "account.rerouted"
    OPPORTUNITY_CREATED = "opportunity.created"
    OPPORTUNITY_UPDATED = "opportunity.updated"
    OPPORTUNITY_ASSIGNED = "opportunity.assigned"
    OPPORTUNITY_STAGE_CHANGED = "opportunity.stage_changed"
    ACTIVITY_CREATED = "activity.created"
    PERSON_CREATED = "person.created"
    PERSON_UPDATED = "person.updated"
    PERSON_OUT_OF_OFFICE_SET = "person.out_of_office_set"
    # the Sales → CS handoff (services/handoff)
    HANDOFF_OPENED = "handoff.opened"  # a deal entered a handoff stage for the first time
    HANDOFF_RECLOSED = "handoff.reclosed"  # entered it again after a re-open: no second notice
    HANDOFF_REOPENED = "handoff.reopened"  # the deal left the handoff stage
    HANDOFF_REVIEWED = "handoff.reviewed"  # the CSM reviewed the summary
    HANDOFF_ESCALATED = "handoff.escalated"
    # what the engine did
    SLA_CLOCK_STARTED = "sla.clock_started"
    SLA_CLOCK_STOPPED = "sla.clock_stopped"
    SLA_CHARGE_CLOSED = "sla.charge_closed"
    SLA_CLOCKS_RECOMPUTED = "sla.clocks_recomputed"
    SLA_NOTICE = "sla.notice"
    SLA_MISS = "sla.miss"
    SLA_ESCALATION = "sla.escalation"
    # the workspace and the system
    WORKSPACE_APPLIED = "workspace.applied"
    WORKSPACE_ACTIVATED = "workspace.activated"
    ALERTS_SILENT_ON = "alerts.silent_on"
    ALERTS_SILENT_OFF = "alerts.silent_off"
    ALERT_REQUEUED = "alert.requeued"
    OUTAGE_DECLARED = "outage.declared"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    USER_CREATED = "user.created"
    USER_DISABLED = "user.disabled"
    USER_PASSWORD_CHANGED = "user.password_changed"  # the user's dashboard sessions end with it

    @property
    def entity(self) -> str:
        """The kind of thing the event is about: lead, account, person, …"""
        return ENTITIES.get(self.value.split(".", 1)[0], self.value.split(".", 1)[0])

    @classmethod
    def created(cls, entity: str) -> EventKind:
        return cls(f"{entity}.created")

    @classmethod
    def updated(cls, entity: str) -> EventKind:
        return cls(f"{entity}.updated")

    @classmethod
    def assigned(cls, entity: str) -> EventKind:
        return cls(f"{entity}.assigned")


# event kind prefix -> the entity column of its rows (an SLA event is about a lead)
ENTITIES = {
    "sla": "lead",
    "workspace": "workspace_version",
    "alerts": "workspace_version",
}


class AssignedBy(StrEnum):
    """Who set the owner in a ``*.assigned`` event."""

    ROUTING = "routing"  # a routing decision (a new lead, a re-route)
    INTAKE = "intake"  # the record arrived with its owner (CRM history)
    MANUAL = "manual"  # a person changed it (API, dashboard, import)
    LIFECYCLE = "lifecycle"  # the lifecycle released it (a recycled lead goes back to Marketing)
    TIMEOUT = "timeout"  # the ownership timeout moved an idle deal (rules of engagement)

    @property
    def automatic(self) -> bool:
        return self is not AssignedBy.MANUAL
