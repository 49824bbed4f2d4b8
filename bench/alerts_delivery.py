"""Alerts delivered per second to loopback Slack / SMTP / webhook servers at the worker's
default concurrency, and the latency from an alert's creation to its delivery.

Throughput: N alerts (a third each to Slack, email and a signed webhook) are written
to the outbox at once, then drained by the delivery job as `baton serve` runs it
(default `alerts.delivery`: 8 at a time, batches of 64). Latency: a steady stream
of alerts (RATE/s for SECONDS) while a real ``Worker`` loop runs with its default
1 s idle sleep; latency = ``sent_at - created_at``. Baseline in the same run: the
fakes' round trip for one message per channel, sequentially (the protocol floor).

    .venv/bin/python bench/alerts_delivery.py [--runs 3] [--alerts 1500] [--rate 40]
        [--seconds 8] [--postgres [ADMIN_URL]]

With ``--postgres`` each run uses a throw-away database on that server
(default postgresql+psycopg://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conditions import machine, median, percentile

from baton.bootstrap import open_baton
from baton.notify.fakes import FakeSlack, FakeWebhook, SmtpSink, insert_alert
from baton.services.alerts.delivery import Delivery
from baton.settings import Settings
from baton.store.db import sqlite_url
from baton.store.tables import alerts
from baton.worker import Worker
from tests.alerts_support import ENV, SLACK_TOKEN, WEBHOOK_SECRET, Fakes, go_live, write_workspace

PEOPLE = ["sam-ortiz", "priya-nair", "maria-chen", "lukas-weber", "emma-schulz"]
KINDS = {"sla.miss": "slack", "sla.notice": "email", "sla.escalation": "hook"}
CREATED: list = []
ROUTES = "  routes:\n" + "".join(
    f"    - kinds: ['{k}']\n      channels: [{c}]\n" for k, c in KINDS.items()
)


def fresh(tmp: Path, run: int, fakes: Fakes, admin_url: str | None):
    ws = write_workspace(tmp / f"ws{run}", fakes.alerts_yaml("  bursts: null\n", ROUTES))
    db = (
        postgres_database(admin_url, f"baton_bench_alerts_{os.getpid()}_{run}")
        if admin_url
        else sqlite_url(ws / ".baton" / "baton.db")
    )
    baton = open_baton(Settings(workspace=ws, database_url=db, public_url="http://127.0.0.1:8700"))
    go_live(baton, ws)
    return baton


def postgres_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    CREATED.append((admin, name))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def drop_databases() -> None:
    for admin, name in CREATED:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add(baton, n: int, start: int) -> None:
    kinds = list(KINDS)
    with baton.db.write() as conn:
        for i in range(start, start + n):
            insert_alert(
                conn,
                datetime.now(UTC),
                PEOPLE[i % len(PEOPLE)],
                key=f"bench-{i}",
                kind=kinds[i % 3],
                created_at=datetime.now(UTC),
            )
        conn.commit()


def sent(baton) -> int:
    with baton.db.read() as conn:
        return conn.execute(
            select(func.count()).select_from(alerts).where(alerts.c.state == "sent")
        ).scalar_one()


def throughput(baton, n: int) -> float:
    add(baton, n, 0)
    job = Delivery()
    started = time.perf_counter()
    while job(baton, datetime.now(UTC)):
        pass
    elapsed = time.perf_counter() - started
    assert sent(baton) == n, f"only {sent(baton)} of {n} sent"
    return n / elapsed


def latency(baton, rate: float, seconds: float) -> list[float]:
    worker = Worker(baton)  # the default jobs and idle sleep of `baton serve`
    worker.start()
    total, started = int(rate * seconds), time.perf_counter()
    for i in range(total):
        time.sleep(max(0.0, started + i / rate - time.perf_counter()))
        add(baton, 1, 10**6 + i)
    deadline = time.monotonic() + 60
    while sent(baton) < total and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.stop()
    with baton.db.read() as conn:
        rows = conn.execute(
            select(alerts.c.created_at, alerts.c.sent_at).where(alerts.c.state == "sent")
        ).all()
    return [(r.sent_at - r.created_at).total_seconds() for r in rows]


def floor(fakes: Fakes) -> float:
    from baton.notify.email import EmailNotifier
    from baton.notify.render import Renderer
    from baton.notify.slack import SlackNotifier
    from baton.notify.webhook import WebhookNotifier

    alert = {
        "id": 1,
        "kind": "sla.miss",
        "idempotency_key": "floor",
        "recipient_id": "sam",
        "content": {"lead": {"name": "x"}},
    }
    message = Renderer().render(alert, {"id": "sam", "name": "Sam"})
    notifiers = [
        (SlackNotifier(SLACK_TOKEN, base_url=fakes.slack.base_url), "U01SAMOR"),
        (
            EmailNotifier("127.0.0.1", fakes.smtp.port, sender="b@acme.example", security="none"),
            "sam@acme.example",
        ),
        (WebhookNotifier(fakes.hook.url, WEBHOOK_SECRET), fakes.hook.url),
    ]
    started, count = time.perf_counter(), 0
    for _ in range(50):
        for notifier, address in notifiers:
            notifier.send(message, address)
            count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--alerts", type=int, default=1500)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        default=None,
        help="run on PostgreSQL (admin URL; default: a SQLite file per run)",
    )
    args = parser.parse_args()
    os.environ.update(ENV)
    print(machine())
    rates, floors, lat = [], [], []
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSlack(SLACK_TOKEN) as slack,
        SmtpSink() as smtp,
        FakeWebhook(WEBHOOK_SECRET) as hook,
    ):
        fakes = Fakes(slack, smtp, hook)
        for run in range(args.runs):
            floors.append(floor(fakes))
            baton = fresh(Path(tmp), run, fakes, args.postgres)
            rates.append(throughput(baton, args.alerts))
            baton.close()
            baton = fresh(Path(tmp), run + 100, fakes, args.postgres)
            lat.append(latency(baton, args.rate, args.seconds))
            baton.close()
        drop_databases()
    dialect = "PostgreSQL" if args.postgres else "SQLite (WAL)"
    print(
        f"runs: {args.runs}; {args.alerts} alerts per drain (1/3 Slack, 1/3 email, 1/3 webhook); "
        f"{dialect}; default delivery settings (concurrency 8, batch 64)"
    )
    print(f"baseline: one message at a time straight to the fakes  {median(floors):7,.0f} msg/s")
    print(
        f"drain: alerts delivered and recorded                    {median(rates):7,.0f} alerts/s  "
        f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})"
    )
    p50s, p99s = [percentile(x, 50) for x in lat], [percentile(x, 99) for x in lat]
    print(
        f"creation → delivery at {args.rate:g} alerts/s for {args.seconds:g} s, "
        "worker idle sleep 1 s: "
        f"p50 {median(p50s) * 1000:,.0f} ms  p99 {median(p99s) * 1000:,.0f} ms (median of runs)"
    )


if __name__ == "__main__":
    main()
