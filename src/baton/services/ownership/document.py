"""The rules of engagement as people read them: the versioned ROE document and the one-page
quick-reference card, rendered from exactly the rules a workspace holds (``baton
explain-rules``), in Markdown or HTML. The templates are the package's (templates/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import Any

from jinja2 import Environment, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

from baton.domain.ownership import RULE_TITLES, OwnershipRules, Rule
from baton.workspace.ownership_compile import compile_ownership
from baton.workspace.spec import WorkspaceSpec

KINDS = ("document", "card")
# The playbook's definition-alignment terms and its typical definitions (used until the
# workspace's definitions: section states and approves its own).
TERMS = {
    "Account Ownership": "The rep designated as primary point of contact for a given account.",
    "Opportunity Ownership": "The rep responsible for advancing a specific deal through the "
    "pipeline.",
    "Named Account": "An account explicitly assigned to a rep regardless of inbound activity.",
    "Ownership Timeout": "Maximum days an opportunity can remain inactive before reassignment "
    "triggers.",
    "Cooling-Off Period": "Duration after an opportunity is closed-lost before another rep can "
    "re-engage.",
    "Deal Registration": "Formal claim on a partner-sourced opportunity with a defined "
    "protection window.",
    "Segment Handoff": "Transfer of account ownership when a customer moves between segments.",
    "Final Arbiter": "The designated individual who makes final ownership decisions.",
    "Split Credit": "Shared revenue credit when legitimate overlap exists between two reps.",
}
# How far Baton carries each rule today: printed beside it, so the document never promises
# an automation that is not there.
ENFORCEMENT = {
    Rule.NAMED_ACCOUNT: "Enforced: a change of owner is refused and recorded.",
    Rule.DEAL_REGISTRATION: "Enforced: a change of owner is refused and recorded; an activity by "
    "another rep is a violation reported to the managers.",
    Rule.COOLING_OFF: "Enforced: a change of owner is refused; an activity by another rep is a "
    "violation reported to the managers.",
    Rule.OWNERSHIP_TIMEOUT: "Automated: Baton reassigns the idle deal, tells the owner and "
    "their manager, and records why.",
    Rule.DUPLICATE_OUTREACH: "Automated: detected on every activity; both managers are told.",
    Rule.SEGMENT_HANDOFF: "Enforced: the handoff passes a protection and is recorded with who "
    "and why.",
    Rule.PARENT_CHILD: "Enforced: a protected parent's children are protected with it.",
    Rule.ESCALATION: "Tracked: a dispute is raised in Baton, climbs the path with who handles "
    "each step, and only the final arbiter resolves it; a transfer is applied and recorded.",
}
_ENV = Environment(
    autoescape=False,  # Markdown; the HTML is made by markdown-it with raw HTML escaped
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_PAGE = Environment(autoescape=True, undefined=StrictUndefined)
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Rendered:
    markdown: str
    html: str


def _template(name: str) -> str:
    return files("baton.services.ownership").joinpath(f"templates/{name}").read_text()


def context(spec: WorkspaceSpec, version: int | None, now: datetime) -> dict[str, Any]:
    """What the templates read: the rules and their sentences, the people they name."""
    rules: OwnershipRules = compile_ownership(spec)[0].rules
    names = {p.id: p.name for p in spec.people}
    defined = {d.term.lower(): d for d in spec.definitions}
    terms = []
    for term, typical in TERMS.items():
        d = defined.get(term.lower())
        terms.append(
            {
                "term": term,
                "text": d.text if d else typical,
                "approved": bool(d and d.approved),
                "stated": d is not None,
            }
        )
    esc = rules.escalation
    return {
        "workspace": spec.workspace.name,
        "version": f"version {version}" if version is not None else "draft (not applied)",
        "date": now.date().isoformat(),
        "enforced": spec.ownership is not None,
        "rules": [
            {"rule": r.value, "title": t, "sentence": s, "enforcement": ENFORCEMENT[r]}
            for r, t, s in rules.sentences()
        ],
        "r": rules,
        "days": {
            "timeout": rules.timeout.after.days,
            "cooling_off": rules.cooling_off.days.days,
            "registration": rules.deal_registration.window.days,
            "duplicate": rules.duplicate_outreach.window.days,
            "resolve": esc.resolve_within.days,
        },
        "path": [names.get(step, step) for step in esc.path],
        "arbiter": names.get(esc.arbiter, esc.arbiter) if esc.arbiter else None,
        "terms": terms,
        "titles": {r.value: RULE_TITLES[r] for r in Rule},
    }


def render(spec: WorkspaceSpec, kind: str, version: int | None, now: datetime) -> Rendered:
    """The document or the card, as Markdown and as a standalone HTML page."""
    ctx = context(spec, version, now)
    markdown = _ENV.from_string(_template(f"{kind}.md.j2")).render(**ctx)
    title = f"{ctx['workspace']} — Rules of Engagement"
    if kind == "card":
        title += " (quick reference)"
    page = _PAGE.from_string(_template("page.html.j2"))
    html = page.render(title=title, body=Markup(_MD.render(markdown)))
    return Rendered(markdown, html)
