"""Commands for systems that embed promorules: ``schema``, ``batch`` and ``serve``.

Each imports what it needs when it runs, so ``promorules advise`` starts as
fast without them (and the base install works without the server extra).
"""

from __future__ import annotations

import sys

import click

from ..cli_support import RULESET_OPTION, THRESHOLD_OPTION, as_of_option, friendly


@click.command()
@click.argument("kind", type=click.Choice(["facts", "advice", "summary", "ids"]))
@RULESET_OPTION
@friendly
def schema(kind, ruleset_path):
    """Print the JSON Schema of the facts (input), or of the advice (output) in full or as its summary or ids view.

    It is generated from the very models that validate the input and build
    the output, with a description for every field. To write a facts file
    by hand, docs/facts.md is the readable guide to the same fields.

    \b
    Example:
      promorules schema facts > facts.schema.json
      promorules schema facts --ruleset company/   (with the facts the ruleset declares)
    """
    from .schema import schema_text

    model = None
    if ruleset_path is not None:
        from ..ruleset.loader import read_ruleset

        model = read_ruleset(ruleset_path).facts_model
    click.echo(schema_text(kind, model), nl=False)


def _local_cluster(ctx, param, value):
    """``local:N``: the number of worker processes of a local cluster."""
    if value is None:
        return None
    kind, _, count = value.partition(":")
    if kind != "local" or not count.isdigit() or not 1 <= int(count) <= 64:
        raise click.BadParameter(f"expected local:N with N from 1 to 64, not {value!r}")
    return int(count)


@click.command()
@click.argument("source", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Where to write the results: one JSON line per record (- for standard output).",
)
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes. Default: one per CPU.")
@RULESET_OPTION
@as_of_option("Advise everyone for this day (YYYY-MM-DD). Default: each record's as_of, or today.")
@THRESHOLD_OPTION
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["auto", "jsonl", "csv", "tsv"]),
    default="auto",
    show_default=True,
    help="The input's format; auto goes by the file name, then the first character.",
)
@click.option(
    "--outlook",
    is_flag=True,
    help="Also fill nearest_misses and plan, as `promorules advise` does (a few more evaluations each).",
)
@click.option(
    "--view",
    type=click.Choice(["full", "summary", "ids"]),
    default="full",
    show_default=True,
    help="The advice written for each record: full; summary (about 2.5 KB: stage, ranked ids, the first "
    "advice in full, held back, 5 facts to ask for); ids (stage, ranked ids with dates).",
)
@click.option(
    "--id-column",
    "id_column",
    metavar="NAME",
    default=None,
    help="The CSV/TSV column (or JSONL key) holding each record's id, echoed on its line and never "
    "read as a fact. Default: employee_id for CSV/TSV when present, id for JSONL.",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists, or a stopped run's OUTPUT.partial.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue a stopped run from its last complete record (OUTPUT.partial), with the same options.",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Advise on this Dask cluster instead of local processes (needs the dask extra).",
)
@click.option(
    "--cluster",
    "local_cluster",
    metavar="local:N",
    callback=_local_cluster,
    default=None,
    help="Advise on a Dask cluster of N worker processes started here (needs the dask extra).",
)
@friendly
def batch(
    source,
    output,
    workers,
    ruleset_path,
    as_of,
    thresholds,
    input_format,
    outlook,
    view,
    id_column,
    force,
    resume,
    scheduler,
    local_cluster,
):
    """Advise every person in a JSONL, CSV or TSV file, one output line per record.

    Each line of OUTPUT is {"record": n, "advice": {...}} or {"record": n,
    "error": {"field": ..., "message": ...}, "errors": [...]}, in input
    order; n is the JSONL line or the CSV/TSV data row (both from 1); a
    record with an id has "id": "..." after n. A blank
    line is not a record (the summary counts them). Records with errors are
    reported in the output and do not stop the batch (exit 0); a file that
    cannot be read or written exits 2.

    \b
    OUTPUT appears only when every record is in: until then the lines go to
    OUTPUT.partial. A run stopped by Ctrl-C, SIGTERM, a kill or a full disk
    keeps them there; run the same command with --resume to go on from the
    last complete record. An existing OUTPUT is not replaced without --force.

    \b
    CSV columns are fact names: role_start_date, org.hiring_freeze, ...;
    list fields hold JSON; an empty cell means unknown. A .tsv file is
    read the same way, separated by tabs.

    \b
    Example:
      promorules batch people.jsonl -o advice.jsonl --workers 2
      promorules batch people.jsonl -o advice.jsonl --workers 2 --resume
      promorules batch hris.csv -o advice.jsonl --view summary --id-column employee_id
    """
    import os
    import signal
    from datetime import date

    from .batch import ProgressLine, run_batch
    from .batch_output import BatchOutput
    from ..errors import InputError

    if (scheduler or local_cluster) and (workers or (scheduler and local_cluster)):
        raise click.UsageError("give one of --workers, --scheduler and --cluster")
    workers = workers or os.cpu_count() or 1
    settings = {
        "input": os.path.abspath(source),
        "format": input_format,
        "outlook": outlook,
        "ruleset": os.path.abspath(ruleset_path) if ruleset_path else None,
        "thresholds": _plain(thresholds or {}),
        "as_of": as_of.isoformat() if as_of else None,
    }
    if view != "full" or id_column:  # only when set, so a run stopped before these options existed resumes
        settings.update(view=view, id_column=id_column)
    out = BatchOutput(output, source, settings, force=force, resume=resume)
    day = out.day or date.today()
    out.start(day)
    progress = ProgressLine() if sys.stderr.isatty() else None
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        options = dict(
            ruleset=ruleset_path,
            thresholds=thresholds or None,
            as_of=as_of,
            day=day,
            done=out.done,
            input_format=input_format,
            progress=progress,
            outlook=outlook,
        )
        if scheduler or local_cluster:
            summary = _run_on_cluster(
                source, out, scheduler, local_cluster, dict(options, view=view, id_column=id_column)
            )
        else:
            summary = run_batch(source, out, workers=workers, view=view, id_column=id_column, **options)
        out.finish()
    except (KeyboardInterrupt, _Stopped, InputError) as exc:
        out.stop()
        if progress is not None:
            progress.close()
        for problem in exc.problems if isinstance(exc, InputError) else ():
            click.echo(f"error: {problem}", err=True)
        if out.records or not isinstance(exc, InputError):
            click.echo(_stopped_line(out), err=True)
        sys.exit(2 if isinstance(exc, InputError) else 128 + getattr(exc, "signal", signal.SIGINT))
    finally:
        signal.signal(signal.SIGTERM, previous)
    if progress is not None:
        progress.close()
    click.echo(str(summary), err=True)


def _run_on_cluster(source, out, scheduler, local_workers, options):
    """The batch on a Dask cluster: the same records, lines and summary as the local one."""
    try:
        from .distributed import cluster_client, run_on_cluster
    except ImportError as exc:
        raise click.ClickException(
            f"--scheduler and --cluster need Dask ({exc.name} is missing); "
            "install it with: pip install 'promorules[dask]'"
        ) from None
    with cluster_client(scheduler, local_workers) as client:
        return run_on_cluster(source, out, client, **options)


class _Stopped(BaseException):
    """SIGTERM, turned into an exception so the batch stops as on Ctrl-C: output kept, workers ended."""

    def __init__(self, number: int):
        super().__init__(number)
        self.signal = number


def _stop(number, frame):
    raise _Stopped(number)


def _stopped_line(out) -> str:
    """One line saying what a stopped batch left, instead of the traceback of every worker."""
    if out.stream:
        return f"stopped after {out.records:,} records; the output to {out.where} is incomplete"
    if out.where is None:
        return f"stopped after {out.records:,} records; nothing was written"
    return f"stopped after {out.records:,} records; output kept in {out.where} (resume with --resume)"


def _plain(value):
    """Thresholds as JSON would hold them, so a resumed run's can be compared with the stopped run's."""
    import json

    return json.loads(json.dumps(value, default=str, sort_keys=True))


def _ruleset_choices(ctx, param, values):
    """``--ruleset DIR`` (at most one: the default) and ``--ruleset NAME=DIR`` (each name once) apart.

    A value is NAME=DIR when what comes before its first "=" is a name of
    letters, digits, "_" and "-"; write ./x=y for a folder named x=y.
    """
    import re

    default, named = None, {}
    for value in values:
        name, equals, path = value.partition("=")
        if equals and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
            if name in named:
                raise click.BadParameter(f"the name {name!r} is given twice")
            if not path:
                raise click.BadParameter(f"{name}= names no folder")
            named[name] = path
        elif default is not None:
            raise click.BadParameter("give one unnamed --ruleset DIR at most (name the others: NAME=DIR)")
        else:
            default = value
    return default, named


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port.")
@click.option(
    "--ruleset",
    "rulesets",
    multiple=True,
    callback=_ruleset_choices,
    metavar="[NAME=]DIR",
    help="A ruleset directory for /v1/advice (default: the bundled guidance), or NAME=DIR for "
    "/v1/rulesets/NAME/advice. Repeatable with a name each.",
)
@THRESHOLD_OPTION
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Require 'Authorization: Bearer <token>' on every path but /healthz, the token being FILE's "
    "first line (else $PROMORULES_TOKEN if set). Default: no token.",
)
@click.option("--metrics", is_flag=True, help="Serve Prometheus metrics at /metrics (behind the token, if one).")
@click.option(
    "--access-log",
    is_flag=True,
    help="Log one line per request: request id, method, route, status, time (never bodies or queries).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text, or as one JSON object each.",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="A request's headers, and then its body, must each arrive within this (else 408).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(2, 10000),
    default=32,
    show_default=True,
    help="Connections open at once; keep it well under the process's descriptor limit (ulimit -n).",
)
@friendly
def serve(host, port, rulesets, thresholds, token_file, metrics, access_log, log_format, read_timeout, max_connections):
    """Serve advice over HTTP (FastAPI; needs the server extra).

    POST /v1/advice takes a facts object (with the caller's "id" if any) and
    returns the advice (?view=full|summary|ids); POST /v1/advice/batch takes
    a list; GET /v1/schema/facts, /v1/ruleset, /healthz; each NAME=DIR
    ruleset under /v1/rulesets/NAME/. The OpenAPI description is at
    /openapi.json (no /docs page: it would load scripts from the internet).
    Send SIGHUP to re-read every ruleset without stopping; with a token,
    POST /v1/rulesets/NAME/reload re-reads one. Bodies must be sent as
    application/json (else 415); a client slower than --read-timeout gets
    408, and beyond --max-connections the connection that has waited longest
    for its request is closed (503 when all are busy). One process advises on
    one core: run one per core behind a proxy (docs/embedding.md).

    \b
    Example:
      promorules serve --port 8000
      curl -s localhost:8000/v1/advice -H 'content-type: application/json' \
           -d '{"as_of": "2026-11-24", "role_start_date": "2026-05-01"}'
      promorules serve --ruleset acme=rulesets/acme --ruleset globex=rulesets/globex \
           --token-file /run/secrets/promorules-token --metrics --log-format json --access-log
    """
    try:
        import uvicorn  # noqa: F401 - imported here so that, missing, the user is told what to install

        if metrics:
            import prometheus_client  # noqa: F401
        from .server import create_app, read_token, reload_all, run
    except ImportError as exc:
        raise click.ClickException(
            f"the HTTP service needs FastAPI, uvicorn and prometheus-client ({exc.name} is missing); "
            "install them with: pip install 'promorules[server]'"
        ) from None
    import signal

    from ..advisor import Advisor

    token = read_token(token_file)
    default_path, named_paths = rulesets
    default = Advisor(default_path, thresholds=thresholds or None) if default_path or not named_paths else None
    named = {name: Advisor(path, thresholds=thresholds or None) for name, path in named_paths.items()}

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda signum, frame: reload_all(default, named))
    app = create_app(
        default, rulesets=named, token=token, metrics=metrics, access_log=access_log, read_timeout=read_timeout
    )
    run(app, host=host, port=port, read_timeout=read_timeout, max_connections=max_connections, log_format=log_format)
