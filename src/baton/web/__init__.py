"""The web dashboard: server-rendered pages (Jinja2 + htmx, Chart.js), signed-in users.

Building blocks for a new page (see docs/dashboard.md): ``Filters``/``FiltersDep``
(URL filters), ``ViewerDep`` (user + time zone), ``scope_leads`` (what the user may
see), ``Chart``/``Series`` (chart + table + CSV from one value), ``Page`` (the
navigation registry), ``page()`` (render, htmx fragment or CSV).
"""

from baton.services.people.access import scope_leads, scope_people
from baton.web.app import SECTIONS, install_web
from baton.web.auth import (
    FiltersDep,
    Viewer,
    ViewerDep,
    WebError,
    page_guard,
    require_csrf,
)
from baton.web.charts import Chart, Series
from baton.web.filters import FilterError, Filters, parse_filters
from baton.web.pages import Page
from baton.web.render import page, render

__all__ = [
    "SECTIONS",
    "Chart",
    "FilterError",
    "Filters",
    "FiltersDep",
    "Page",
    "Series",
    "Viewer",
    "ViewerDep",
    "WebError",
    "install_web",
    "page",
    "page_guard",
    "parse_filters",
    "render",
    "require_csrf",
    "scope_leads",
    "scope_people",
]
