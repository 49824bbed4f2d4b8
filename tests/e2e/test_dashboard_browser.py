"""The dashboard in a real browser (Debian's chromium driven by Playwright) against a
real `baton serve` on the demo: sign in, People, Workspace, the lead list and its date
filter, a drill-down from a chart into a lead, a PTO period — with no console errors.
Screenshots of each page go to test-artifacts/dashboard/."""

from __future__ import annotations

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
    assert run_baton("demo", str(demo), "--no-serve", cwd=root, timeout=300).code == 0
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
    tab.on(
        "console",
        lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
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
    assert "active" in page.inner_text("#version-1") and "19 passed, 0 failed" in page.inner_text(
        "#version-1"
    )
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
    for path in ("/", "/sla", "/speed", "/routing", "/people", "/leads", "/workspace"):
        page.goto(f"{page.base}{path}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path  # wide tables scroll inside their own box
    shot(page, "workspace-phone")
    page.goto(f"{page.base}/sla")
    shot(page, "sla-phone")
    page.goto(f"{page.base}/people")
    shot(page, "people-phone")
