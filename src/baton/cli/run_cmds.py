"""Running Baton: serve, the demo, database migrations."""

from __future__ import annotations

import os
import time
from contextlib import suppress
from pathlib import Path

import click
from rich.progress import Progress

from baton.bootstrap import Baton
from baton.cli.context import CliContext
from baton.services.people.tokens import create_token
from baton.settings import DEFAULT_PORT, Settings

pass_ctx = click.make_pass_decorator(CliContext)


def run_server(baton: Baton, host: str, port: int, *, with_worker: bool = True) -> None:
    import uvicorn

    from baton.server import create_app
    from baton.worker import Worker

    app = create_app(baton, worker=Worker(baton) if with_worker else None)
    # X-Forwarded-* are believed by web/transport.py from BATON_TRUSTED_PROXIES only
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def run_servers(baton: Baton, host: str, port: int, processes: int, with_worker: bool) -> None:
    """``processes`` API processes on one port (uvicorn's supervisor restarts one that dies),
    each opening Baton from the environment; the background worker, if wanted, runs once,
    in this supervising process."""
    import uvicorn

    from baton.worker import Worker

    os.environ["BATON_WORKSPACE"] = str(baton.settings.workspace)
    os.environ.setdefault("BATON_DATABASE_URL", baton.settings.database_url)
    worker = Worker(baton) if with_worker else None
    if worker:
        worker.start()
    try:
        uvicorn.run(
            "baton.server:app_from_env",
            factory=True,
            workers=processes,
            host=host,
            port=port,
            log_level="info",
            proxy_headers=False,
        )
    finally:
        if worker:
            worker.stop()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Serve the API only (run workers elsewhere).")
@click.option(
    "--workers",
    "processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="API processes on the port (2 or more: the background worker runs once, beside them).",
)
@pass_ctx
def serve(ctx: CliContext, host: str, port: int, no_worker: bool, processes: int) -> None:
    """Serve the API (docs at /docs) and run the background worker, in one process."""
    baton = ctx.open()
    how = f", {processes} API processes" if processes > 1 else ""
    click.echo(
        f"Baton serving {ctx.workspace.resolve()} on http://{host}:{port}"
        f" (database: {baton.db.dialect}{how})"
    )
    if processes > 1:
        run_servers(baton, host, port, processes, with_worker=not no_worker)
    else:
        run_server(baton, host, port, with_worker=not no_worker)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="baton-demo")
@click.option("--no-serve", is_flag=True, help="Only create and load the demo workspace.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option(
    "--leads",
    default=5000,
    show_default=True,
    type=click.IntRange(50, 100_000),
    help="How many leads of history: fewer for a quick look, more to feel the pages' speed.",
)
def demo(directory: Path, no_serve: bool, host: str, port: int, leads: int) -> None:
    """Create a demo company in DIRECTORY (default ./baton-demo), load it, and serve it."""
    from baton.demo.load import DemoInterrupted, demo_loaded, ensure_demo_workspace, load_demo

    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    if ensure_demo_workspace(directory):
        click.echo(f"wrote the demo workspace to {directory.resolve()}")
    ctx = CliContext(workspace=directory)
    baton = ctx.open()
    try:
        loaded = demo_loaded(baton, directory)
    except DemoInterrupted as exc:
        raise click.ClickException(str(exc)) from exc
    if loaded:
        click.echo("demo data already loaded")
    elif no_serve:
        with Progress(transient=True) as progress:
            tasks: dict[str, int] = {}

            def report(entity: str, done: int, total: int) -> None:
                tasks.setdefault(
                    entity, progress.add_task(f"loading {entity} records", total=total)
                )
                progress.update(tasks[entity], completed=done)

            counts = load_demo(baton, directory, baton.clock.now(), report, lead_count=leads)
        click.echo("loaded " + ", ".join(f"{n:,} {k} records" for k, n in counts.items()))
    token = create_token(baton, f"demo-admin-{int(time.time())}", ["admin"], "demo")
    sign_in = _demo_users(baton, directory)
    click.echo(f"ready in {time.monotonic() - started:.1f} s")
    if not loaded and not no_serve:
        click.echo("the history loads meanwhile: the dashboard shows how far, then opens")
    click.echo(f"admin token: {token}")
    click.echo(f"dashboard sign-in: {sign_in}")
    if no_serve:
        click.echo(f"serve it with: baton -w {directory} serve")
        return
    click.echo(f"Baton is at http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    click.echo(f'try: curl -H "Authorization: Bearer {token}" http://{host}:{port}/v1/leads/1')
    if loaded:
        run_server(baton, host, port)
    else:
        from baton.demo.serve import serve_while_loading

        serve_while_loading(baton, directory, host, port, click.echo, lead_count=leads)


DEMO_USERS = (
    ("admin", "admin", None),
    ("maria", "manager", "maria-chen"),
    ("ava", "rep", "ava-thompson"),
)


def _demo_users(baton: Baton, directory: Path) -> str:
    """Dashboard users for the demo (an admin, a manager, a rep), one password kept in
    .baton/demo-credentials (mode 0600) so every `baton demo` run can print it."""
    import secrets

    from baton.services.people.users import Role, UserError, create_user

    stored = directory / ".baton" / "demo-credentials"
    if stored.exists():
        return stored.read_text().strip()
    password = secrets.token_urlsafe(12)
    for name, role, person in DEMO_USERS:
        with suppress(UserError):  # already there from an earlier run
            create_user(baton, name, password, Role(role), person, "demo")
    text = f"admin / maria (manager) / ava (rep), password {password}"
    stored.write_text(text + "\n")
    stored.chmod(0o600)
    return text


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
@pass_ctx
def upgrade(ctx: CliContext) -> None:
    """Apply pending migrations (serve does this at start too)."""
    settings: Settings = ctx.settings()
    ctx.open()
    click.echo(f"schema up to date ({settings.database_url.split('@')[-1]})")


COMMANDS = [serve, demo, db]
