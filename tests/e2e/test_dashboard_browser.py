"""The dashboard in a real browser (Debian's chromium driven by Playwright) against a
real `baton serve` on the demo: sign in, People, Workspace, the lead list and its date
filter, a drill-down from a chart into a lead, a PTO period — with no console errors —
and a manager's day of it by keyboard, at 375 px and at 200 % zoom: axe-core on every page
(vendored in tests/e2e/vendor, injected by Playwright), the skip link and focus rings, the
focus and a status message after the filters or the pager, open clocks that hold still while
focused or paused. Screenshots of each page go to test-artifacts/dashboard/, axe-core's
findings of every impact to test-artifacts/dashboard/axe.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import BATON, run_baton, start_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
PASSWORD = "demo-admin-password"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # a test asset, never served

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no /usr/bin/chromium: install it with `apt-get install -y chromium` (.ci/run does)",
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is in the test extra: pip install -e '.[test]'"
)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[str]:
    """The demo company with an admin user and a scenario run, served by `baton serve`."""
    root = tmp_path_factory.mktemp("dashboard")
    demo = root / "demo"
    made = run_baton("demo", str(demo), "--no-serve", "--leads", "1500", cwd=root, timeout=300)
    assert made.code == 0, made.err  # a smaller company than the README's: the same pages
    created = subprocess.run(
        [*BATON, "-w", str(demo), "user", "create", "ada", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
        check=False,
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    assert run_baton("-w", str(demo), "test", str(demo / "scenarios.csv"), cwd=root).code == 0
    server = start_server(demo)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def browser_context(
    tmp_path_factory, demo_server
):  # the server outlives the browser: no open connections at its shutdown
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context, demo_server):
    """A tab, signed in; fails the test on any console error or uncaught exception."""
    tab = browser_context.new_page()
    problems: list[str] = []
    tab.expected_errors = []  # patterns of console errors a test provokes on purpose
    tab.on(
        "console",
        lambda m: (
            problems.append(f"console.{m.type}: {m.text}")
            if m.type == "error" and not any(re.search(e, m.text) for e in tab.expected_errors)
            else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    tab.base = demo_server
    if "/signin" in tab.goto(f"{demo_server}/people").url:
        tab.fill("input[name=username]", "ada")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("form.stack button[type=submit]")
        tab.wait_for_url(re.compile(r"/people$"))
    yield tab
    tab.close()
    assert problems == []


def shot(tab, name: str) -> None:
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def total(tab) -> int:
    return int(tab.inner_text("[data-total]").replace(",", ""))


def wait_for_chart(tab) -> None:
    tab.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))"
    )


def test_signing_in_opens_the_page_asked_for_and_people_shows_load_and_capacity(
    browser_context, demo_server
):
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(f"{demo_server}/people")
    assert "/signin?next=%2Fpeople" in tab.url
    shot(tab, "signin")
    assert serious_violations(tab, "signin") == []
    tab.fill("input[name=username]", "ada")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form.stack button[type=submit]")
    tab.wait_for_url(re.compile(r"/people$"))
    wait_for_chart(tab)
    assert tab.locator("tr[id^=person-]").count() >= 20 and "Ava Thompson" in tab.inner_text(
        "table.people"
    )
    shot(tab, "people")
    tab.close()
    assert errors == []


def test_the_lead_list_follows_the_date_filter(page):
    page.goto(f"{page.base}/leads")
    last_30 = total(page)
    assert last_30 > 0 and "Last 30 days" in page.inner_text(".period")
    page.select_option(
        "select[name=range]", "7d"
    )  # a preset applies at once (htmx swaps the page body)
    page.wait_for_url(re.compile(r"range=7d"))
    page.wait_for_function(
        "() => document.querySelector('.period').textContent.startsWith('Last 7 days')"
    )
    assert 0 < total(page) < last_30
    today = date.fromisoformat(page.input_value("input[name=to]"))
    page.fill(
        "input[name=from]", (today - timedelta(days=2)).isoformat()
    )  # typing a date switches to a custom range
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"range=custom"))
    assert page.input_value("select[name=range]") == "custom" and total(page) <= last_30
    shot(page, "leads")


def test_a_bar_of_the_chart_drills_into_its_leads_and_on_into_a_lead(page):
    wait_for_chart(page)
    point = page.evaluate("""() => {
        const canvas = document.querySelector('canvas[data-chart]');
        const spec = JSON.parse(canvas.dataset.chart);
        const chart = Chart.getChart(canvas);
        const i = spec.links[0].findIndex(Boolean);
        const bar = chart.getDatasetMeta(0).data[i];
        canvas.scrollIntoView();
        const box = canvas.getBoundingClientRect();
        return {x: box.left + (bar.x + bar.base) / 2, y: box.top + bar.y,
                value: spec.config.data.datasets[0].data[i]};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/leads\?.*status=open"))
    assert total(page) == point["value"]  # the leads behind the bar, as many as it counts
    page.click("table.leads tbody tr:first-child td:first-child a")
    page.wait_for_url(re.compile(r"/leads/\d+"))
    assert "Owner" in page.inner_text("main") and "received" in page.inner_text("dl.fields")
    shot(page, "lead")


def test_an_admin_sets_a_pto_period_from_the_people_page(page):
    row = page.locator("#person-ava-thompson")
    row.locator("details.pto summary").click()
    first = date.today() + timedelta(days=40)
    row.locator("input[name=starts]").fill(first.isoformat())
    row.locator("input[name=ends]").fill((first + timedelta(days=7)).isoformat())
    row.locator("input[name=reason]").fill("Vacation")
    row.locator("details.pto button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert "Ava Thompson is out of office" in page.inner_text(".notice")
    assert (
        f"{first.isoformat()} → back {(first + timedelta(days=7)).isoformat()}"
        in page.inner_text("#person-ava-thompson")
    )
    wait_for_chart(page)  # the chart is drawn again after the swap
    shot(page, "people-pto")


def test_workspace_shows_versions_and_scenario_results(page):
    page.goto(f"{page.base}/workspace")
    live = page.inner_text("#version-2")  # the demo's rules of engagement went live as v2
    assert "active" in live and "19 passed, 0 failed" in live
    assert "retired" in page.inner_text("#version-1")
    assert "Silent mode" in page.inner_text("#silent")
    shot(page, "workspace")


BIGGEST_LINKED_BAR = """(id) => {
    const canvas = document.querySelector(`#chart-${id} canvas[data-chart]`);
    const spec = JSON.parse(canvas.dataset.chart), chart = Chart.getChart(canvas);
    let best = null;
    spec.links.forEach((links, d) => links.forEach((link, i) => {
        const value = spec.config.data.datasets[d].data[i];
        if (link && value && spec.config.data.datasets[d].type !== "line"
            && (!best || value > best.value)) best = {d, i, value};
    }));
    canvas.scrollIntoView();
    const box = canvas.getBoundingClientRect();
    const at = chart.getDatasetMeta(best.d).data[best.i].getCenterPoint();
    return {x: box.left + at.x, y: box.top + at.y, value: best.value};
}"""


@pytest.mark.parametrize(
    "path, chart, counts",
    [
        ("/", "speed-over-time", False),
        ("/sla", "sla-response", True),
        ("/speed", "speed-by-source", False),
        ("/routing", "node-hits", True),
    ],
)
def test_report_pages_follow_the_date_filter_and_a_bar_drills_into_a_lead(
    page, path, chart, counts
):
    page.goto(f"{page.base}{path}")
    wait_for_chart(page)
    shot(page, {"/": "overview"}.get(path, path.strip("/")))
    page.select_option("select[name=range]", "7d")
    page.wait_for_url(re.compile(r"range=7d"))
    page.wait_for_function(
        "() => document.querySelector('.period').textContent.startsWith('Last 7 days')"
    )
    wait_for_chart(page)
    bar = page.evaluate(BIGGEST_LINKED_BAR, chart)
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url(re.compile(r"/leads\?"))
    assert (
        total(page) == bar["value"] if counts else total(page) > 0
    )  # SLA bars count charges; speed bars are minutes
    page.click("table.leads tbody tr:first-child td:first-child a")
    page.wait_for_url(re.compile(r"/leads/\d+"))
    assert "Speed to lead" in page.inner_text("main")


def test_pages_fit_a_phone_screen(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base}/")
    menu = page.eval_on_selector_all(
        "header nav a", "links => links.map(a => new URL(a.href).pathname)"
    )
    assert {"/", "/health", "/handoff", "/ownership", "/workspace"} <= set(menu)
    for path in menu:  # every page of the menu, new ones included
        page.goto(f"{page.base}{path}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path  # wide tables scroll inside their own box
    shot(page, "workspace-phone")
    page.goto(f"{page.base}/sla")
    shot(page, "sla-phone")
    page.goto(f"{page.base}/people")
    shot(page, "people-phone")


# ---- A manager's day: keyboard, zoom, screen reader (issue 19 item 9) ------------------------

AXE_FINDINGS: dict[str, list[dict]] = {}
RUN_AXE = """async () => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });  // tables too
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
    }));
}"""


def serious_violations(tab, name: str) -> list[str]:
    """axe-core's serious and critical findings on the page in ``tab`` (every finding is kept
    in test-artifacts/dashboard/axe.json)."""
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.evaluate(AXE.read_text())  # through DevTools: the page's CSP allows no inline script
    found = tab.evaluate(RUN_AXE)
    AXE_FINDINGS[name] = found
    (ARTIFACTS / "axe.json").write_text(json.dumps(AXE_FINDINGS, indent=1, sort_keys=True))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {'; '.join(v['nodes'])}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def every_page(tab) -> list[str]:
    """Every page of the menu (new pages included), a lead, the open clocks on their own,
    and the not-found and bad-filter pages."""
    tab.goto(f"{tab.base}/")
    menu = tab.eval_on_selector_all(
        "header nav a", "links => links.map(a => new URL(a.href).pathname)"
    )
    pages = {"/", "/sla", "/speed", "/funnel", "/feedback", "/routing", "/people", "/leads"}
    assert pages | {"/health", "/handoff", "/ownership", "/workspace"} <= set(menu)
    tab.goto(f"{tab.base}/leads")
    lead = tab.get_attribute("table.leads tbody tr:first-child td:first-child a", "href")
    return [*menu, lead, "/sla/open-clocks", "/leads/99999999", "/leads?from=2026-02-30"]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_has_no_serious_or_critical_accessibility_violation(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.expected_errors.append(r"status of (400|404) ")  # the bad-filter and not-found pages
    problems = {}
    for path in every_page(page):
        page.goto(f"{page.base}{path}")
        page.wait_for_load_state("load")
        page.evaluate("() => document.querySelectorAll('.filters-toggle').forEach(b => b.click())")
        if found := serious_violations(page, f"{path} at {width} px"):
            problems[path] = found
    assert problems == {}


def contrast(rgb_a: str, rgb_b: str) -> float:
    """WCAG 2 contrast of two computed colours, rgb(r, g, b)."""

    def luminance(rgb: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUSED = """() => {
    const el = document.activeElement, style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    let back = el, paint = 'rgba(0, 0, 0, 0)';
    while (back && (paint === 'rgba(0, 0, 0, 0)' || paint === 'transparent')) {
        back = back.parentElement;  // the background around the ring
        paint = back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)';
    }
    return {id: el.id, cls: el.className, text: el.textContent.trim(), tag: el.tagName,
            outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
            colour: style.outlineColor, around: paint,
            visible: box.width > 0 && box.top >= 0 && box.bottom <= innerHeight};
}"""


def test_a_skip_link_comes_first_and_every_focus_shows_a_ring_also_on_the_dark_header(page):
    page.goto(f"{page.base}/leads")
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["text"] == "Skip to content" and skip["visible"]
    page.keyboard.press("Tab")  # the brand link, on the dark header
    header = page.evaluate(FOCUSED)
    assert header["text"] == "Baton" and header["outline"] == "solid" and header["width"] >= 2
    assert contrast(header["colour"], header["around"]) >= 3, header
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # skip: the next Tab is in the content
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    field = page.evaluate(FOCUSED)
    assert field["id"] == "filter-range" and field["outline"] == "solid"
    assert contrast(field["colour"], field["around"]) >= 3, field
    page.focus("#filter-apply")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # a keyboard focus on the (blue) button
    button = page.evaluate(FOCUSED)
    assert button["id"] == "filter-apply" and button["outline"] == "solid"
    assert contrast(button["colour"], button["around"]) >= 3, button


def announced(tab) -> str:
    tab.wait_for_function("() => document.getElementById('announcer').textContent !== ''")
    return tab.inner_text("#announcer")


def test_after_apply_or_the_pager_the_focus_is_on_the_result_heading_and_the_change_is_said(
    page,
):
    page.goto(f"{page.base}/leads")
    page.select_option("#filter-team", index=1)
    team = page.eval_on_selector("#filter-team", "s => s.selectedOptions[0].text")
    page.click("#filter-apply")
    page.wait_for_url(re.compile(r"team="))
    page.wait_for_function("() => document.activeElement.id === 'results'")
    said = announced(page)
    assert said.startswith("Showing Leads: Last 30 days") and f"Team: {team}" in said
    assert f"{total(page):,} lead" in said and "page 1 of" in said
    assert page.get_attribute("#announcer", "aria-live") == "polite"
    page.evaluate("() => { document.getElementById('announcer').textContent = ''; }")
    page.click(".pager a")  # Older →
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function("() => document.activeElement.id === 'results'")
    assert "page 2 of" in announced(page)
    page.evaluate("() => { document.getElementById('announcer').textContent = ''; }")
    page.focus("#filter-range")
    page.select_option("#filter-range", "7d")  # a preset applies at once: the focus stays
    page.wait_for_url(re.compile(r"range=7d"))
    assert "Last 7 days" in announced(page)
    assert page.evaluate("() => document.activeElement.id") == "filter-range"


def test_open_clocks_hold_still_while_focused_and_pause_on_request(page):
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/sla/open-clocks" in r.url else None)
    page.clock.install()  # the 15-second poll, on a clock the test moves

    def fifteen_seconds_later() -> None:
        page.clock.run_for(15_500)
        page.wait_for_timeout(300)  # the answer, if a request went out
        page.clock.run_for(100)  # htmx settles it

    page.goto(f"{page.base}/sla")
    fifteen_seconds_later()
    assert len(polls) == 1  # it polls
    page.focus("#open-clocks table a")
    focused = page.evaluate("() => document.activeElement.outerHTML")
    assert "focus is in this section" in page.inner_text("[data-poll-state]")
    fifteen_seconds_later()
    assert len(polls) == 1 and page.evaluate("() => document.activeElement.outerHTML") == focused
    page.focus("#open-clocks-pause")
    fifteen_seconds_later()  # on the pause button it polls, and the button keeps the focus
    assert len(polls) == 2 and page.evaluate("() => document.activeElement.id") == (
        "open-clocks-pause"
    )
    page.keyboard.press("Enter")
    assert page.inner_text("#open-clocks-pause") == "Resume updates"
    assert page.inner_text("[data-poll-state]") == "Updates paused." == announced(page)
    page.focus("header .brand")
    fifteen_seconds_later()
    assert len(polls) == 2
    page.reload()  # the pause lasts the tab's session
    fifteen_seconds_later()
    assert len(polls) == 2 and page.inner_text("#open-clocks-pause") == "Resume updates"
    page.click("#open-clocks-pause")  # resume: at once, then every 15 s
    page.wait_for_function(
        "() => document.getElementById('open-clocks-pause').textContent === 'Pause updates'"
    )
    assert len(polls) == 3
    page.focus("header .brand")
    fifteen_seconds_later()
    assert len(polls) == 4


@pytest.mark.parametrize("width", [375, 640])  # a phone; 200 % zoom on a 1280-pixel screen
def test_the_lead_list_shows_status_and_owner_without_sideways_scrolling_and_filters_fold(
    page, width
):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{page.base}/leads")
    fit = page.evaluate("""() => {
        const wrap = document.querySelector('.table-wrap');
        const row = document.querySelector('table.leads tbody tr');
        const cell = i => row.cells[i].getBoundingClientRect();
        return {page: document.documentElement.scrollWidth - innerWidth,
                table: wrap.scrollWidth - wrap.clientWidth,
                status: [cell(6).left, cell(6).right], owner: [cell(7).left, cell(7).right]};
    }""")
    assert fit["page"] <= 0 and fit["table"] <= 0, fit  # nothing to scroll sideways
    assert 0 <= fit["status"][0] < fit["status"][1] <= width, fit
    assert 0 <= fit["owner"][0] < fit["owner"][1] <= width, fit
    row = page.inner_text("table.leads tbody tr:first-child")
    assert "received" in row  # what the folded columns said is in the lead's cell
    toggle = page.locator("button.filters-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.is_visible("form.filters")
    shot(page, f"leads-{width}px")
    toggle.click()
    assert page.is_visible("form.filters") and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => document.activeElement.id") == "filter-range"
    page.click("#filter-apply")  # applied: folded again, the focus on the result heading
    page.wait_for_function("() => document.activeElement.id === 'results'")
    assert not page.is_visible("form.filters")
