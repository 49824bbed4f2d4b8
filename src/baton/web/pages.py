"""The dashboard's pages: what the navigation shows and who may open each page.

A page exists only once its module is listed in ``baton.web.app.SECTIONS``;
nothing is linked before it is built. The navigation is in ``order``; the home
page (``/``) is the first page the user may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from baton.services.people.users import Role, User

EVERYONE = frozenset(Role)
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})


@dataclass(frozen=True)
class Page:
    key: str  # e.g. "people"; templates mark the current page with it
    title: str  # the navigation label
    path: str  # e.g. "/people"
    # Overview 10, Health 15, SLA 20, Speed to lead 30, Funnel 34, Feedback 36, Routing 40,
    # Leads 50, People 60, Handoff 63, Ownership 65, Workspace 70
    order: int
    roles: frozenset[Role] = EVERYONE

    def allows(self, user: User) -> bool:
        return user.role in self.roles


class PageRegistry:
    def __init__(self) -> None:
        self._pages: dict[str, Page] = {}

    def add(self, page: Page) -> Page:
        if page.key in self._pages:
            raise ValueError(f"page {page.key!r} is registered twice")
        self._pages[page.key] = page
        return page

    def get(self, key: str) -> Page:
        return self._pages[key]

    def nav(self, user: User) -> list[Page]:
        """The pages ``user`` may open, in navigation order."""
        return sorted((p for p in self._pages.values() if p.allows(user)), key=lambda p: p.order)

    def home(self, user: User) -> Page | None:
        pages = self.nav(user)
        return pages[0] if pages else None
