"""The ``shenpi`` command."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from engine.config import InvalidSettings, Settings
from engine.errors import EngineError, plain
from engine.kernel import parse_instant


def _engine():
    from engine.bootstrap import Shenpi

    engine = Shenpi(Settings())
    _upgrade_schema(engine)  # every command works on a fresh database and on one made by an earlier build
    return engine


def _upgrade_schema(engine) -> str:
    from web import create_app, schema

    return schema.upgrade_database(create_app(engine.settings, engine, testing=True))


def _fail(exc: EngineError):
    details = {k: plain(v) for k, v in exc.details.items()}
    where = " ".join(f"{k}={v}" for k, v in details.items())
    raise click.ClickException(f"{exc.code}: {exc.message}" + (f" ({where})" if where else ""))


@click.group()
def main():
    """Shenpi 审批: approval engine with electronic supervision."""
    try:
        Settings()
    except InvalidSettings as exc:  # a bad SHENPI_* variable: say which and what it expects
        raise click.ClickException(str(exc)) from None


@main.command("init-db")
def init_db():
    """Create the tables, or upgrade those of an earlier build keeping their data (safe to run again)."""
    from engine.bootstrap import Shenpi

    done = _upgrade_schema(Shenpi(Settings()))
    click.echo(f"database {done}: {Settings().database_url}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="admin", show_default=True)
def deploy(file: Path, actor: str):
    """Validate and deploy a BPMN file as a new process version."""
    engine = _engine()
    engine.init_db()
    try:
        definition = engine.repository.deploy(file.read_bytes(), file.name, actor=actor)
    except EngineError as exc:
        _fail(exc)
    state = "deployed" if definition["created"] else "already deployed"
    click.echo(f"{state}: {definition['key']} version {definition['version']} (id {definition['id']})")


@main.command("import-catalogue")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_catalogue(directory: Path | None):
    """Deploy and publish every matter of a catalogue directory (default: processes/)."""
    engine = _engine()
    engine.init_db()
    try:
        results = engine.catalogue.import_directory(directory or engine.settings.processes_dir)
    except EngineError as exc:
        _fail(exc)
    for item in results:
        click.echo(f"{item['code']} {item['name']}: {item['definition']['key']} v{item['definition']['version']}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256), help="Threads per process.")
@click.option(
    "--timeout", default=60, show_default=True, type=click.IntRange(1), help="Seconds before a silent worker restarts."
)
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn (one process).")
@click.option("--no-worker", is_flag=True, help="Do not start the embedded Celery worker.")
def serve(host: str, port: int, workers: int, threads: int, timeout: int, dev: bool, no_worker: bool):
    """Serve the web application with gunicorn (`kill -HUP` reloads it gracefully; SIGTERM or SIGINT stops it and
    everything it started); with an embedded broker it also runs the embedded worker with beat."""
    settings = Settings()
    if host in ("127.0.0.1", "localhost", "::1") and "SHENPI_SECURE_COOKIES" not in os.environ:
        settings = settings.model_copy(update={"secure_cookies": False})  # plain HTTP on this machine only
    from engine.bootstrap import Shenpi
    from web import logs, server

    logs.configure(settings)
    upgrading = Shenpi(settings)
    _upgrade_schema(upgrading)  # once, before the workers start
    upgrading.db.bind.dispose()  # no connection of this process is inherited by the forked workers
    embedded = settings.embedded_broker and not no_worker
    if not dev:
        server.serve(settings, host, port, workers, threads, timeout, embedded)
        return
    from web import create_app

    worker = server.EmbeddedWorker() if embedded else None
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM ends the server like Ctrl-C: the worker is stopped
    try:
        if worker is not None:
            click.echo(f"embedded worker started (pid {worker.start()})")
        create_app(settings).run(host=host, port=port, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            worker.stop()


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def _celery_app(settings: Settings):
    """The Celery app with every task and beat entry: the engine's and the integrations'."""
    from engine import scheduler
    from integrations.notifications import tasks
    from integrations.upward import tasks as upward_tasks

    app = scheduler.make_celery(settings)
    upward_tasks.register(app, settings)  # upward reporting: its task and beat entry
    tasks.register(app, settings)
    return app


def _own_logging(settings: Settings) -> None:
    """Celery leaves logging to us (SHENPI_LOG_FORMAT) when a receiver of its setup_logging signal exists."""
    from celery.signals import setup_logging

    from web import logs

    setup_logging.connect(lambda **_: logs.configure(settings), weak=False)
    logs.configure(settings)


@main.command()
@click.option("--concurrency", default=1, show_default=True, type=int)
@click.option(
    "--beat",
    "with_beat",
    is_flag=True,
    help="Also run beat inside this worker (the embedded worker of `shenpi serve`; elsewhere run `shenpi beat`).",
)
@click.option("--metrics-port", type=int, default=None, help="Serve this worker's metrics on this port as well.")
def worker(concurrency: int, with_beat: bool, metrics_port: int | None):
    """Run a Celery worker: timers queued with an ETA, the sweep and the other periodic tasks beat sends."""
    from engine import scheduler
    from engine.bootstrap import Shenpi
    from web import metrics

    settings = Settings()
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(settings.metrics_path))  # the web's /metrics adds them up
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    _own_logging(settings)
    app = _celery_app(settings)
    scheduler.attach(Shenpi(settings, metrics=metrics.SINK), app)
    if metrics_port:
        from prometheus_client import CollectorRegistry, multiprocess, start_http_server

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(metrics_port, registry=registry)
    pool = "solo" if concurrency == 1 else "prefork"
    arguments = ["worker", f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO"]
    if with_beat:
        arguments += ["--beat", f"--schedule={settings.beat_schedule_path}"]
    app.worker_main(arguments)


@main.command()
def beat():
    """Run Celery beat, the one scheduler of the periodic work (sweep, notices, upward reports, checkpoints). A second
    copy started by mistake waits for the first's lock instead of sending the work twice."""
    settings = Settings()
    _own_logging(settings)
    app = _celery_app(settings)
    app.Beat(schedule=str(settings.beat_schedule_path), loglevel="INFO").run()


@main.command()
def notify():
    """Send the notices waiting for e-mail, SMS or webhook delivery now."""
    from engine import scheduler
    from integrations.notifications import tasks

    scheduler.bind_engine(_engine())
    result = tasks.dispatch_notices()
    click.echo(f"{result['created']} delivery(ies) queued; {result['sent']} sent, {result['failed']} failed")


@main.command()
@click.option("--as-of", "as_of", default=None, help="ISO-8601 instant; fire everything due by then.")
def sweep(as_of: str | None):
    """Fire every timer due by now (or by --as-of); a case that fails becomes an incident (see /admin/incidents)."""
    instant = None
    if as_of:
        try:
            instant = parse_instant(as_of)
        except ValueError:
            raise click.BadParameter(f"not an ISO-8601 instant: {as_of}", param_hint="--as-of") from None
    result = _engine().sweep(instant)
    incidents = result["incidents"]
    click.echo(
        f"advanced {result['timers']} case(s) with due timers; {result['lights']} light(s) changed; "
        f"{result.get('supervision_items', 0)} supervision item light(s) changed"
    )
    # a case that failed is an incident, not a failed sweep: the exit status stays 0 (the sweep itself ran)
    click.echo(
        f"{incidents['opened']} incident(s) opened; {incidents['failed']} failed attempt(s); "
        f"{incidents['closed']} incident(s) closed by a successful retry; {incidents['held']} waiting for their retry"
    )


@main.command("report-upward")
def report_upward():
    """Send every due batch of the outbox to the provincial supervision platform now."""
    from integrations.upward import report

    engine = _engine()
    if not engine.outbox.enabled:
        raise click.ClickException("upward reporting is off: set SHENPI_UPWARD_URL")
    done = report(engine)
    click.echo(f"sent {done['records']} record(s) in {done['batches']} batch(es)")
    if done["error"]:
        raise click.ClickException(f"the platform failed: {done['error']}; the batch is retried later")


@main.group()
def trail():
    """The supervision trail."""


@trail.command("verify")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Problems to list.")
def trail_verify(limit: int):
    """Recompute every hash chain and check the heads against the signed checkpoints; name each broken chain and
    row, and the interval a rewrite changed."""
    result = _engine().history.verify()
    checkpoints = result.checkpoints
    if result.ok:
        click.echo(f"trail intact: {result.checked} rows verified")
    else:
        problems = len(result.breaks) + (len(checkpoints.problems) if checkpoints else 0)
        click.echo(f"TRAIL BROKEN: {problems} problem(s)", err=True)
        for place in result.breaks[:limit]:
            click.echo(f"  {place.describe()}", err=True)
        if len(result.breaks) > limit:
            click.echo(f"  … and {len(result.breaks) - limit} more", err=True)
        for problem in (checkpoints.problems if checkpoints else [])[:limit]:
            click.echo(f"  checkpoint file: {problem}", err=True)
        click.echo(f"({result.checked} rows checked in all)", err=True)
    if checkpoints is not None and checkpoints.enabled and checkpoints.count:
        click.echo(
            f"checkpoints: {checkpoints.count} in {checkpoints.path} (newest {checkpoints.newest} at "
            f"{checkpoints.newest_at}); {result.anchored} checkpointed head(s) fit their rows; "
            f"{result.unanchored_chains} chain(s) have rows after their last checkpoint"
        )
    for note in checkpoints.notes if checkpoints else []:
        click.echo(f"note: {note}")
    if not result.ok:
        sys.exit(1)


@trail.command("checkpoint")
def trail_checkpoint():
    """Sign the heads of the chains that moved since the last checkpoint into the checkpoint file now."""
    engine = _engine()
    try:
        run = engine.trail_checkpoints.checkpoint()
    except EngineError as exc:
        _fail(exc)
    if run.recorded_again:
        click.echo(f"{run.recorded_again} line(s) of the file were missing from the database's record: recorded")
    if not run.lines:
        click.echo(
            "nothing moved since " + (f"checkpoint {run.newest}" if run.newest else "the start: the trail is empty")
        )
        return
    numbers = f"{run.lines[0].n}" if len(run.lines) == 1 else f"{run.lines[0].n}–{run.lines[-1].n}"
    click.echo(f"checkpoint {numbers}: {run.heads} chain head(s) signed into {engine.trail_checkpoints.path}")


@main.group()
def cockpit():
    """The supervisors' cockpit."""


@cockpit.command("rebuild")
def cockpit_rebuild():
    """Count the cockpit's summary (cases, steps, signals, 督办 items and complaints per department) afresh from the
    tables."""
    buckets = _engine().cockpit.summary.rebuild()
    click.echo(f"cockpit summary rebuilt: {buckets} bucket(s)")


@main.group()
def files():
    """The file store of case materials (SHENPI_FILES_URL)."""


@files.command("migrate")
@click.option(
    "--to",
    "to_url",
    required=True,
    help="The store to copy into: a path, file:///path, db:, postgresql://… or s3://bucket/prefix?endpoint=….",
)
@click.option("--from", "from_url", default=None, help="The store to copy from (default: SHENPI_FILES_URL's).")
@click.option("--verify", is_flag=True, help="Also read back and check what the target already holds.")
def files_migrate(to_url: str, from_url: str | None, verify: bool):
    """Copy every content a material references into another store, each checked against its digest; what the
    target already holds is left, so running it again finishes an interrupted run. Then point SHENPI_FILES_URL at
    the target."""
    engine = _engine()
    try:
        source = engine.files.at(from_url) if from_url is not None else engine.files.store
        target = engine.files.at(to_url)
        run = engine.files.migrate(target, source, verify=verify)
    except EngineError as exc:
        _fail(exc)
    finally:
        engine.files.close()
    click.echo(f"from {run.source} to {run.target}")
    click.echo(
        f"referenced={run.referenced} copied={run.copied} present={run.present} missing={run.missing} "
        f"damaged={run.damaged}"
    )
    for problem in run.problems:
        click.echo(f"  {problem}", err=True)
    if not run.complete:
        click.echo("NOT COMPLETE: the source lacks the content above; the target holds the rest", err=True)
        sys.exit(1)


@files.command("cleanup")
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds nobody wrote an unreferenced content before it goes (default SHENPI_FILES_ORPHAN_GRACE).",
)
def files_cleanup(grace: float | None):
    """Delete stored content no material references (left by rolled-back steps) after the grace period."""
    import datetime as _dt

    engine = _engine()
    counts = engine.files.cleanup(None if grace is None else _dt.timedelta(seconds=grace))
    click.echo(
        f"stored={counts['stored']} unreferenced={counts['unreferenced']} deleted={counts['deleted']} "
        f"kept_young={counts['kept_young']} in {engine.files.store.url}"
    )


@main.group()
def calendar():
    """The working-day calendar (holidays and adjusted working days)."""


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The year the file arranges (default: the year of its first date).")
@click.option("--actor", default="admin", show_default=True)
def calendar_import(file: Path, year: int | None, actor: str):
    """Import a year's official arrangement from CSV (date,workday,name) or JSON ({"days": [...]}); every open
    deadline counted on provisional days is counted again."""
    from engine.deadlines import parse_arrangement

    engine = _engine()
    try:
        rows = parse_arrangement(file.read_bytes(), file.name)
        if not rows:
            raise click.ClickException(f"{file.name}: no days in the file")
        result = engine.calendars.import_arrangement(year or rows[0]["day"].year, rows, file.name, actor)
    except EngineError as exc:
        _fail(exc)
    click.echo(f"imported {result['days']} day(s) for {result['year']}")
    _echo_recount(result["recount"])


@calendar.command("recount")
@click.option("--actor", default="admin", show_default=True)
def calendar_recount(actor: str):
    """Count every open provisional deadline again on the calendar as it is (the import does this by itself)."""
    _echo_recount(_engine().recount.run(actor))


def _echo_recount(counts: dict) -> None:
    click.echo(
        f"recounted {counts.get('deadlines', 0)} provisional deadline(s); {counts.get('cases', 0)} case(s) changed"
    )
    if counts.get("failed"):
        click.echo(
            f"{counts['failed']} case(s) were busy and keep their provisional deadlines: "
            "run `shenpi calendar recount` again",
            err=True,
        )


@calendar.command("set")
@click.argument("day")
@click.option("--workday/--off", required=True, help="Whether the day is a working day.")
@click.option("--name", default=None)
@click.option("--actor", default="admin", show_default=True)
def calendar_set(day: str, workday: bool, name: str | None, actor: str):
    """Override one day (e.g. a local holiday or an adjusted working day)."""
    import datetime as dt

    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"not a date: {day}", param_hint="DAY") from None
    _engine().calendars.set_day(parsed, workday, name, actor)
    click.echo(f"{parsed.isoformat()}: {'working day' if workday else 'day off'}")


@calendar.command("show")
@click.argument("year", type=int)
def calendar_show(year: int):
    """List the year's holidays and adjusted working days."""
    try:
        days = _engine().calendars.year_days(year)
    except EngineError as exc:
        _fail(exc)
    for day in days:
        kind = "上班" if day["workday"] else "休息"
        notes = "".join(
            note for flag, note in ((day["override"], " (override)"), (day["provisional"], " (provisional)")) if flag
        )
        click.echo(f"{day['date']} {kind} {day['name'] or ''}{notes}".rstrip())


@main.group()
def token():
    """API tokens."""


@token.command("create")
@click.argument("user")
def token_create(user: str):
    """Create an API token for USER and print it once."""
    try:
        click.echo(_engine().identity.create_token(user))
    except EngineError as exc:
        _fail(exc)


@main.group()
def catalogue():
    """The matter catalogue as a JSON or Excel file (see README "Catalogue import and export")."""


@catalogue.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), help="Default: from FILE's extension.")
@click.option("--department", help="Only this department's matters.")
@click.option("--actor", default="admin", show_default=True)
def catalogue_export(file: Path, fmt: str | None, department: str | None, actor: str):
    """Write the published catalogue to FILE."""
    from integrations.catalogue_io import export_catalogue

    engine = _engine()
    fmt = fmt or ("xlsx" if file.suffix.lower() == ".xlsx" else "json")
    try:
        content, _name, _media = export_catalogue(engine, engine.identity.actor(actor), fmt, department)
    except EngineError as exc:
        _fail(exc)
    file.write_bytes(content)
    click.echo(f"exported {fmt} to {file}")


@catalogue.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="admin", show_default=True, help="A system administrator's user id.")
def catalogue_import(file: Path, actor: str):
    """Import a JSON or Excel catalogue file: all or nothing; every error is printed with its place."""
    from integrations.catalogue_io import import_catalogue

    engine = _engine()
    try:
        result = import_catalogue(engine, engine.identity.actor(actor), file.read_bytes(), file.name)
    except EngineError as exc:
        for error in exc.details.get("errors") or []:
            click.echo(
                f"{error.get('location')}\t{error.get('matter') or '-'}\t{error.get('field') or '-'}\t"
                f"{error['message']}",
                err=True,
            )
        raise click.ClickException(f"{exc.code}: {exc.message}") from None
    click.echo(f"new {result['new']}, changed {result['changed']}, unchanged {result['unchanged']}")


@main.command()
@click.option("--cases/--no-cases", default=True, show_default=True)
def demo(cases: bool):
    """Seed the catalogue, departments, officials and a few cases in different states."""
    from demo import seed as demo_data

    engine = _engine()
    engine.init_db()
    engine.catalogue.import_directory(engine.settings.processes_dir)
    users = demo_data.seed_people(engine)
    click.echo(f"catalogue imported; {len(users)} new users")
    if users:
        click.echo(
            f"demo accounts (password {demo_data.DEMO_PASSWORD}): admin, supervisor, monitor, "
            f"district_supervisor, applicant, d01a, d01b, … (officials of each department)"
        )
    if cases:
        from engine.identity import ENGINE

        existing = engine.case_search.search(ENGINE, per_page=1)["total"]
        if existing == 0:
            from demo.history import seed_past_cases

            past = seed_past_cases(engine)  # first: the trail runs forward in time
            started = demo_data.seed_cases(engine)
            intake = demo_data.seed_intake_case(engine)  # 补正 before acceptance, its documents, a licence
            click.echo(f"{len(started)} demo cases started, and {len(past)} from the last four weeks")
            if intake is not None:
                click.echo(
                    f"case {intake}: 补正 before acceptance, its documents and a licence with number and validity"
                )
        else:
            click.echo(f"{existing} cases already present; none added")


if __name__ == "__main__":
    main()
