"""The handoff summary: the deal's data through a Markdown template (the workspace's, else the
package's), and its HTML; a re-close compares the data with the last summary's and says what
changed."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

from baton.domain.handoff import Gate
from baton.services.jsonable import jsonable

DEFAULT_SUMMARY = """\
# Handoff: {{ deal.name }}

- **Account:** {{ account.name or "—" }}{% if account.segment %} ({{ account.segment }}){% endif %}
- **Amount:** {{ deal.amount_text }}
- **Stage:** {{ deal.stage }}, closed {{ deal.closed_at }}
- **AE:** {{ ae.name or "—" }} · **CSM:** {{ csm.name or "not assigned yet" }}
- **Tier:** {{ tier }}{% if variation == "light" %} (lighter renewal/upsell handoff){% endif %}\
{% if live_call %} — a live handoff call between the AE and the CSM{% endif %}

## What the customer told Sales
{% for f in fields %}
### {{ f.label }}
{{ f.text if f.text else "_missing_" }}
{% endfor %}
{% if override %}
> Closed without all its fields: {{ override.approved_by }} allowed it — "{{ override.reason }}"
{% endif %}
{% if changes %}
## What changed since the last close
{% for key, pair in changes.items() %}
- **{{ key }}:** {{ pair[0] if pair[0] is not none else "—" }} → \
{{ pair[1] if pair[1] is not none else "—" }}
{% endfor %}
{% endif %}
"""

_ENV = SandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
_MD = MarkdownIt("commonmark", {"html": False})  # a rep's text never becomes markup


@lru_cache(maxsize=32)
def compiled(text: str) -> Template:
    """A template compiled once per text (a workspace's, or the package's)."""
    return _ENV.from_string(text)


def summary_data(
    opp: Any, account: Any, verdict: Gate, names: dict[str, str | None]
) -> dict[str, Any]:
    """What the summary is made of: the deal, its account, the people, the fields."""
    values = opp.handoff or {}
    return jsonable(
        {
            "deal": {
                "id": opp.id,
                "name": opp.name,
                "stage": opp.stage,
                "amount": opp.amount,
                "currency": opp.currency,
                "close_date": opp.close_date,
                "crm_id": opp.external_id,
            },
            "account": {
                "id": account.id if account else None,
                "name": account.name if account else None,
                "segment": account.segment if account else None,
                "country": account.country if account else None,
            },
            "ae": {"id": opp.owner_id, "name": names.get("ae")},
            "csm": {"id": names.get("csm_id"), "name": names.get("csm")},
            "tier": verdict.tier,
            "variation": verdict.variation.value,
            "fields": {f.field: values.get(f.field) for f in _rows(verdict, values)},
        }
    )


class _Row:
    def __init__(self, field: str, label: str, value: Any) -> None:
        self.field, self.label, self.value = field, label, value


def _rows(verdict: Gate, values: dict[str, Any]) -> list[_Row]:
    return [_Row(f.name, f.title, values.get(f.name)) for f in verdict.required]


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_summary(
    template: str | None,
    data: dict[str, Any],
    verdict: Gate,
    *,
    live_call: bool,
    closed_at: str,
    override: dict[str, Any] | None,
    changes: dict[str, list[Any]],
) -> tuple[str, str]:
    """(Markdown, HTML) of the summary."""
    deal = dict(data["deal"])
    amount = deal.get("amount")
    deal["amount_text"] = (
        f"{amount:,.0f} {deal.get('currency') or ''}".strip() if amount is not None else "—"
    )
    deal["closed_at"] = closed_at
    fields = [
        {"name": f.name, "label": f.title, "value": data["fields"].get(f.name)}
        for f in verdict.required
    ]
    for f in fields:
        f["text"] = _text(f["value"])
    context = {
        **data,
        "deal": deal,
        "fields": fields,
        "field": {f["name"]: f for f in fields},
        "live_call": live_call,
        "override": override,
        "changes": changes,
    }
    try:
        markdown = compiled(template or DEFAULT_SUMMARY).render(context).strip() + "\n"
    except Exception as exc:  # a workspace template failing must not refuse the close
        if template is None:
            raise
        markdown = compiled(DEFAULT_SUMMARY).render(context).strip() + "\n"
        markdown = (
            f"> The workspace's summary template failed ({type(exc).__name__}: {exc}); "
            "this is the default summary.\n\n" + markdown
        )
    return markdown, _MD.render(markdown)
