"""The relational schema. Alembic migrations in ``migrations/`` create it; this
module is the single description the code reads and writes through."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from baton.store.types import JSONDoc, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrement needs INTEGER


def _record_keys() -> list[Column]:
    """Columns every ingested record carries: the CRM's id and where it came from."""
    return [
        Column("external_id", String(200)),
        Column("source_system", String(60), nullable=False, server_default=""),
        Column("extra", JSONDoc, nullable=False, default=dict),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    ]


workspace_versions = Table(
    "workspace_versions",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("state", String(16), nullable=False),  # draft | active | retired
    Column("author", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("activated_at", UTCDateTime),
    Column("activated_by", String(200)),
    Column("diff", Text, nullable=False),
    Column("document", JSONDoc, nullable=False),
    Column("sources", JSONDoc, nullable=False),
    # its change to the ownership: rules is material (reps acknowledge again); None: not
    # asked, and a change counts as material
    Column("roe_material", Boolean),
)

people = Table(
    "people",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),
    Column("slack_id", String(40)),
    Column("role", String(30), nullable=False),
    Column("manager_id", String(100)),
    Column("team_id", String(100)),
    Column("timezone", String(64)),
    Column("calendar", String(100)),
    Column("active", Boolean, nullable=False, default=True),
    Column("max_open", Integer),
    Column("max_per_day", Integer),
    Column("managed_by", String(20), nullable=False),  # workspace | api
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

teams = Table(
    "teams",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("manager_id", String(100)),
    Column("calendar", String(100)),
    Column("updated_at", UTCDateTime, nullable=False),
)

out_of_office = Table(
    "out_of_office",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        String(100),
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("reason", String(200), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False),
    Column("domains", JSONDoc, nullable=False, default=list),
    Column("website", String(300)),
    Column("segment", String(60)),
    Column("employees", Integer),
    Column("industry", String(120)),
    Column("country", String(2)),
    Column("region", String(60)),
    Column("state", String(60)),
    Column("parent_id", Id, ForeignKey("accounts.id")),
    Column("owner_id", String(100), ForeignKey("people.id")),
    Column("named", Boolean, nullable=False, default=False),
    Column("partner", String(200)),
    Column("name_key", String(300), index=True),  # normalized company name, for matching leads
    *_record_keys(),
    UniqueConstraint("source_system", "external_id"),
)

account_domains = Table(
    "account_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column(
        "account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    ),
)

leads = Table(
    "leads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320)),
    Column("first_name", String(120)),
    Column("last_name", String(120)),
    Column("company", String(300)),
    Column("email_domain", String(253), index=True),
    Column("website", String(300)),
    Column("phone", String(60)),
    Column("title", String(200)),
    Column("source", String(120)),
    Column("campaign", String(200)),
    Column("lead_type", String(60)),
    Column("status", String(30), nullable=False),
    Column("country", String(2)),
    Column("state", String(60)),
    Column("region", String(60)),
    Column("industry", String(120)),
    Column("employees", Integer),
    Column("segment", String(60)),
    Column("product", String(120)),
    Column("score", Float),
    Column("is_test", Boolean, nullable=False, default=False),
    Column("owner_id", String(100), ForeignKey("people.id")),
    Column("queue", String(100)),
    Column("account_id", Id, ForeignKey("accounts.id")),
    Column("override_owner", Boolean, nullable=False, default=False),
    Column("engaged_at", UTCDateTime),
    Column("received_at", UTCDateTime, nullable=False),
    Column("assigned_at", UTCDateTime),
    Column("notified_at", UTCDateTime),
    Column("first_touch_at", UTCDateTime),
    Column("mql_at", UTCDateTime),
    Column("sal_at", UTCDateTime),
    Column("sql_at", UTCDateTime),
    Column("recycled_at", UTCDateTime),
    Column("disqualified_at", UTCDateTime),
    Column("converted_at", UTCDateTime),
    Column("status_reason", String(200)),  # why it was recycled or disqualified
    *_record_keys(),
    UniqueConstraint("source_system", "external_id"),
    Index("ix_leads_owner_received", "owner_id", "received_at"),
    Index("ix_leads_owner_status", "owner_id", "status"),  # open leads per owner (capacity)
    Index(
        "ix_leads_owner_assigned", "owner_id", "assigned_at"
    ),  # leads per owner per day (daily cap)
    Index("ix_leads_received_at", "received_at"),
    Index("ix_leads_engaged_at", "engaged_at"),  # speed-to-lead reports by engagement date
    Index("ix_leads_mql_at", "mql_at"),  # the leakage monitor's MQLs of the period
    Index(
        "ix_leads_updated_at", "updated_at"
    ),  # what the dashboard's mirror copies again (analytics/mirror.py)
)

opportunities = Table(
    "opportunities",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id")),
    Column("owner_id", String(100), ForeignKey("people.id")),
    Column("stage", String(60), nullable=False),
    Column("amount", Float),
    Column("currency", String(3)),
    Column("close_date", String(10)),
    Column("partner", String(200)),
    Column("registered_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("handoff", JSONDoc, nullable=False, default=dict),
    *_record_keys(),
    UniqueConstraint("source_system", "external_id"),
    Index("ix_opportunities_updated_at", "updated_at"),  # what the mirror copies again
)

activities = Table(
    "activities",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("person_id", String(100), ForeignKey("people.id")),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("lead_id", Id, ForeignKey("leads.id"), index=True),
    Column("account_id", Id, ForeignKey("accounts.id"), index=True),
    Column("opportunity_id", Id, ForeignKey("opportunities.id"), index=True),
    Column("direction", String(10)),
    Column("subject", String(300)),
    *_record_keys(),
    UniqueConstraint("source_system", "external_id"),
    Index("ix_activities_updated_at", "updated_at"),  # what the mirror copies again
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("entity", String(30), nullable=False),
    Column("entity_id", String(100), nullable=False),
    Column("payload", JSONDoc, nullable=False),
    Index("ix_events_entity", "entity", "entity_id"),
    Index("ix_events_kind_id", "kind", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(60), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSONDoc, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("scopes", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

worker_heartbeats = Table(
    "worker_heartbeats",
    metadata,
    Column("worker", String(100), primary_key=True),
    Column("beat_at", UTCDateTime, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", String(200), nullable=False),
)

routing_decisions = Table(
    "routing_decisions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("leads.id"), index=True),
    Column(
        "account_id", Id, ForeignKey("accounts.id"), index=True
    ),  # set when an account was re-homed
    Column("version", Integer, nullable=False),
    Column("trigger", String(40), nullable=False),
    Column("flow", String(100), nullable=False),
    Column("owner_id", String(100)),
    Column("queue", String(100)),
    Column("team_id", String(100)),
    Column("pool_id", String(110)),
    Column("node", String(200)),
    Column("node_kind", String(30)),
    Column("via_fallback", Boolean, nullable=False, default=False),
    Column("matched_account_id", Id),
    Column("steps", JSONDoc, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
)

pool_members = Table(
    "pool_members",
    metadata,
    Column("pool_id", String(110), primary_key=True),
    Column("person_id", String(100), primary_key=True),
    Column("weight", Integer, nullable=False),
    Column("credit", Integer, nullable=False),
    Column("behind", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("last_assigned_at", UTCDateTime),
    Column("assigned_total", Integer, nullable=False, default=0),
)

misroutes = Table(
    "misroutes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=False, index=True),
    Column("decision_id", Id, ForeignKey("routing_decisions.id")),
    Column("reported_by", String(200), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("expected_owner", String(100)),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

status_changes = Table(  # every move of a lead through the lifecycle, with who and why
    "status_changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=False),
    Column("from_status", String(30), nullable=False),
    Column("to_status", String(30), nullable=False),
    Column("reason", String(200)),
    Column("note", String(2000)),
    Column("by", String(20), nullable=False),  # manual | qualification | recycling | import
    Column("actor", String(200), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("owner_id", String(100)),  # the lead's owner when it moved (a recycled lead loses it)
    Index("ix_status_changes_lead", "lead_id", "changed_at"),
    Index("ix_status_changes_to_at", "to_status", "changed_at"),
    Index("ix_status_changes_changed_at", "changed_at"),  # what the mirror copies again
)

scenario_runs = Table(
    "scenario_runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("version", Integer, nullable=False, index=True),
    Column("file", String(300), nullable=False),
    Column("ran_at", UTCDateTime, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("results", JSONDoc, nullable=False),
)

sla_clocks = Table(
    "sla_clocks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("leads.id"), nullable=False, index=True),
    Column("rule", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("owner_id", String(100), nullable=False),
    Column("calendar", String(100), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column(
        "elapsed_before_seconds", Float, nullable=False, default=0
    ),  # carried over from a previous owner
    Column(
        "pauses", JSONDoc, nullable=False, default=list
    ),  # [[start, end|null], ...] ISO instants
    Column("stopped_at", UTCDateTime),
    Column("stopped_by", String(40)),  # first_touch | sal
    Column("excluded_reason", String(200)),
    Column("state", String(20), nullable=False),  # pending | hit | miss | excluded | released
    Column("due_at", UTCDateTime),
    Column("response_business_seconds", Float),
    Column("miss_business_seconds", Float),
    Column(
        "closed_at", UTCDateTime
    ),  # when this owner's charge ended (verdict final or reassigned)
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_sla_clocks_state_due", "state", "due_at"),
    Index("ix_sla_clocks_updated_at", "updated_at"),
    Index("ix_sla_clocks_started_at", "started_at"),  # the health monitors' SLA counts
)

timers = Table(
    "timers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("clock_id", Id, ForeignKey("sla_clocks.id"), nullable=False),
    Column("key", String(40), nullable=False),  # notice:50 | notice:80 | miss | escalation:N
    Column("due_at", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False),  # pending | fired | skipped | cancelled
    Column("fired_at", UTCDateTime),
    Column("outcome", String(200)),  # what firing did, or why it was skipped
    Column("claimed_by", String(100)),
    Column("claimed_until", UTCDateTime),
    UniqueConstraint("clock_id", "key"),
    Index("ix_timers_state_due", "state", "due_at"),
    Index("ix_timers_clock_state", "clock_id", "state"),  # a clock's pending timers (0009)
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "idempotency_key", String(200), nullable=False, unique=True
    ),  # survives retries and crashes
    Column("kind", String(60), nullable=False),  # sla.notice | sla.miss | sla.escalation | …
    Column("entity", String(30), nullable=False),
    Column("entity_id", String(100), nullable=False),
    Column("lead_id", Id, ForeignKey("leads.id"), index=True),
    Column("recipient_id", String(100), nullable=False),  # a person id
    Column("role", String(20), nullable=False),  # owner | manager | executive | cc
    Column("subject", String(300), nullable=False),
    Column(
        "content", JSONDoc, nullable=False
    ),  # the facts a template renders: lead, company, owner, rule, elapsed, links
    Column("state", String(20), nullable=False),  # pending | suppressed | sent | failed | dead
    Column("suppressed_reason", String(200)),
    Column("due_at", UTCDateTime, nullable=False),  # when the event happened
    Column("created_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("last_error", Text),
    Column("sent_at", UTCDateTime),
    Column("channel", String(20)),
    Column("provider_message_id", String(200)),
    Column("claimed_by", String(100)),
    Column("claimed_until", UTCDateTime),
    Index("ix_alerts_state_next", "state", "next_attempt_at"),
)

outages = Table(
    "outages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("reason", String(300), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Alert delivery (issue 5): one row per attempt on one channel, so a retry skips the
# channels that already delivered and an operator can see every try.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("alert_id", Id, ForeignKey("alerts.id"), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("channel", String(60), nullable=False),  # a channel name under alerts.channels
    Column("address", String(400)),  # Slack member/channel id, email address, webhook URL
    Column("silent", Boolean, nullable=False, default=False),  # went to the test recipient
    Column("outcome", String(20), nullable=False),  # sent | found | failed | skipped | requeued
    Column("provider_message_id", String(200)),
    Column("error", Text),
    Column("retry_after_seconds", Float),
    Column("worker", String(100)),
    Column("at", UTCDateTime, nullable=False),
    Column("seconds", Float),
)

# A digest alert (burst or scheduled) and the alerts it lists instead of sending them
# (an item addressed to a group is listed in each member's digest).
alert_digest_members = Table(
    "alert_digest_members",
    metadata,
    Column("digest_id", Id, ForeignKey("alerts.id"), primary_key=True),
    Column("alert_id", Id, ForeignKey("alerts.id"), primary_key=True, index=True),
)

# One row per scheduled digest and period: the claim that makes a schedule fire once.
digest_runs = Table(
    "digest_runs",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("period", String(40), primary_key=True),  # ISO week, e.g. 2026-W45
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("ran_at", UTCDateTime, nullable=False),
    Column("digests", Integer, nullable=False),
)

# Burst detection counts a recipient's recent alerts of one kind.
Index("ix_alerts_recipient_kind_created", alerts.c.recipient_id, alerts.c.kind, alerts.c.created_at)

# Dashboard sign-in (issue 6): who may open the web UI and what they may see there.
# A rep sees the leads they own, a manager their teams' leads, an admin everything.
users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # argon2id, parameters inside the hash
    Column("role", String(20), nullable=False),  # admin | manager | rep
    Column("person_id", String(100), ForeignKey("people.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

web_sessions = Table(  # one per dashboard sign-in: deleted at sign-out, or all at a new password
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the id in the signed cookie
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("address", String(64), nullable=False),  # as BATON_TRUSTED_PROXIES lets us tell
)

signin_attempts = Table(  # every password checked at sign-in: the throttle's memory, and an audit
    "signin_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(200), nullable=False),  # as typed (trimmed), known user or not
    Column("address", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_signin_attempts_username_at", "username", "at"),
    Index("ix_signin_attempts_address_at", "address", "at"),
)

handoffs = Table(  # one per opportunity: the Sales → CS handoff its close started (playbook 003)
    "handoffs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("opportunity_id", Id, ForeignKey("opportunities.id"), nullable=False, unique=True),
    Column("account_id", Id, ForeignKey("accounts.id")),
    Column("ae_id", String(100)),  # the deal's owner at the close
    Column("csm_id", String(100)),
    Column("queue", String(100)),  # when the flow gave no CSM but a queue
    Column("stage", String(60), nullable=False),
    Column("tier", String(60), nullable=False),
    Column("variation", String(10), nullable=False),  # full | light
    Column("state", String(20), nullable=False),  # open | escalated | complete
    Column("missing", JSONDoc, nullable=False, default=list),  # required fields left at the close
    Column("overridden", Boolean, nullable=False, default=False),
    Column("override_reason", String(500)),
    Column("override_by", String(100)),  # the manager who allowed the close
    Column("assignment", JSONDoc, nullable=False, default=dict),  # the CSM's routing trace
    Column("summary_md", Text, nullable=False, server_default=""),
    Column("summary_html", Text, nullable=False, server_default=""),
    Column("summary_data", JSONDoc, nullable=False, default=dict),  # the deal data it was made of
    Column("summary_changes", JSONDoc, nullable=False, default=dict),  # what a re-close changed
    Column("closes", Integer, nullable=False, default=1),
    Column("closed_at", UTCDateTime, nullable=False),  # the latest close
    Column("first_closed_at", UTCDateTime, nullable=False),
    Column("notified_at", UTCDateTime),  # the CSM's notice written to the outbox
    Column("escalate_at", UTCDateTime),
    Column("escalated_at", UTCDateTime),
    Column("reviewed_at", UTCDateTime),
    Column("reviewed_by", String(200)),
    Column("first_touch_at", UTCDateTime),
    Column("completed_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_handoffs_csm_state", "csm_id", "state"),
    Index("ix_handoffs_state_escalate_at", "state", "escalate_at"),
    Index("ix_handoffs_closed_at", "closed_at"),
)

handoff_steps = Table(  # what happened to a handoff, each with why
    "handoff_steps",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "handoff_id", Id, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("kind", String(30), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("why", Text, nullable=False),
    Column("data", JSONDoc, nullable=False, default=dict),
)

handoff_tasks = Table(  # the CSM's handoff review task (one per handoff; a CRM may mirror it)
    "handoff_tasks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "handoff_id",
        Id,
        ForeignKey("handoffs.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("assignee_id", String(100)),
    Column("title", String(300), nullable=False),
    Column("state", String(10), nullable=False),  # open | done
    Column("due_at", UTCDateTime),
    Column("done_at", UTCDateTime),
    Column("external_id", String(200)),  # the CRM's task, once written back
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

ownership_decisions = Table(  # owner changes the rules of engagement blocked or let through
    "ownership_decisions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # block | exception
    Column("entity", String(20), nullable=False),  # account | opportunity | lead
    Column("record_id", Id, nullable=False),
    Column("account_id", Id),
    Column("old_owner_id", String(100)),
    Column("new_owner_id", String(100)),
    Column("rule", String(40)),  # the rule that blocked it, or the protection passed
    Column("exception", String(30)),  # manager_override | segment_handoff | arbiter_decision
    Column("approved_by", String(100)),
    Column("reason", String(500)),
    Column("message", Text, nullable=False),  # what the actor was told
    Column("steps", JSONDoc, nullable=False, default=list),  # the trace: rule, outcome, why
    Column("version", Integer),  # the workspace version whose rules judged it
    Column("resolved_at", UTCDateTime),  # a violation a manager dealt with
    Column("resolved_by", String(100)),
    Column("resolution", String(500)),
    Index("ix_ownership_decisions_kind_id", "kind", "id"),
    Index("ix_ownership_decisions_record", "entity", "record_id"),
)

ownership_disputes = Table(  # ownership disputes on the escalation path, and their outcome
    "ownership_disputes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entity", String(20), nullable=False),  # account | opportunity
    Column("record_id", Id, nullable=False),
    Column("account_id", Id),
    Column("claimants", JSONDoc, nullable=False, default=list),  # person ids
    Column("reason", String(1000), nullable=False),
    Column("raised_by", String(200), nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False),  # open | resolved
    Column("level", Integer, nullable=False, default=0),  # step of the escalation path
    Column("handler_id", String(100)),  # who handles it at this step
    Column("due_at", UTCDateTime, nullable=False),  # the resolution SLA
    Column("outcome", String(20)),  # keep | transfer | split
    Column("new_owner_id", String(100)),
    Column("split", JSONDoc),  # {person id: percent}
    Column("resolved_at", UTCDateTime),
    Column("resolved_by", String(100)),
    Column("note", String(1000)),
    Column("steps", JSONDoc, nullable=False, default=list),  # raised, escalated, resolved: why
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_ownership_disputes_state_id", "state", "id"),
)

health_states = Table(  # each health monitor's last status: a red transition alerts once
    "health_states",
    metadata,
    Column("monitor", String(60), primary_key=True),
    Column("status", String(20), nullable=False),  # green | amber | red | not_judged
    Column("since", UTCDateTime, nullable=False),  # when it entered this status
    Column("value", Float),
    Column("detail", Text, nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
)

ownership_acks = Table(  # a rep acknowledged a version of the rules of engagement
    "ownership_acks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),  # the ROE version: see services/ownership/acks
    Column("acked_at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    UniqueConstraint("person_id", "version", name="uq_ownership_acks_person_version"),
)
