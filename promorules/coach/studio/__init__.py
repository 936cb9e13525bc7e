"""``promorules studio RULESET_DIR``: edit a ruleset in the browser, with its checks, advice, scenarios and impact.

A coach opens a ruleset folder and works on it in a local web page: each save
is written whole (`outfile`) and checked at once, the problems listed beside
the text as ``promorules ruleset validate`` prints them (file:line:col); the
advice of example or saved people, picked on the page, follows each save;
the feature files run as ``ruleset test`` runs them; and the impact table of
``ruleset diff`` compares the ruleset with the one it extends.

The server listens on 127.0.0.1 only and answers only requests that carry
this run's token and name 127.0.0.1 or localhost as their Host: a local
server that writes files is a target for other web pages the coach has open
(`guard` says how each defence works). A file changed on disk since its page
was opened is never overwritten silently: the save is refused and both
versions are shown.

The modules: `guard` (who may ask, and which files), `workbench` (what is
shown, from the project's own checks), `pages` (the HTML), `app` (the routes).
"""

from __future__ import annotations

import socket
from pathlib import Path

import click

from ...cli_support import friendly
from ...errors import InputError, Location, Problem
from ...ruleset.loader import MANIFEST

HOST = "127.0.0.1"


@click.command()
@click.argument("ruleset_dir", metavar="RULESET_DIR")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8470,
    show_default=True,
    help="The port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--facts",
    "facts_dirs",
    multiple=True,
    metavar="DIR",
    help="A folder of saved people (facts files) to pick from; repeatable. examples/ in the current "
    "folder is offered too when it is there.",
)
@friendly
def studio(ruleset_dir, port, facts_dirs):
    """Edit a ruleset in your browser: checks on every save, live advice, scenarios and impact.

    Serves a page on 127.0.0.1 only and prints its address (with a secret
    token: only that link opens it). Stop it with Ctrl+C.

    \b
    Example:
      promorules studio my-ruleset/ --facts saved-people/
    """
    root, folders = _inputs(ruleset_dir, facts_dirs)
    try:
        import uvicorn  # noqa: F401 - imported here so that, missing, the user is told what to install

        from .app import create_app  # noqa: F401
    except ImportError as exc:
        missing = (exc.name or "a module").split(".")[0]
        raise click.ClickException(
            f"the studio needs the server and coach extras ({missing} is missing); "
            "install them with: pip install 'promorules[server,coach]'"
        ) from None
    server, address = make_server(root, folders, port)
    click.echo(f"promorules studio for {root}: open {address}")
    click.echo("(only this link opens it; Ctrl+C stops the studio)")
    server.run(sockets=[server.studio_socket])


def _inputs(ruleset_dir: str, facts_dirs: tuple) -> tuple[Path, list[Path]]:
    """The ruleset folder and the people's folders, refused before the server starts when they are not there."""
    root = Path(ruleset_dir)
    problems = []
    if not (root / MANIFEST).is_file():
        problems.append(Problem(Location(ruleset_dir), f"not a ruleset folder: it has no {MANIFEST}"))
    folders = [Path(folder) for folder in facts_dirs]
    problems += [
        Problem(Location(str(folder)), "not a folder of facts files") for folder in folders if not folder.is_dir()
    ]
    if problems:
        raise InputError(problems)
    examples = Path("examples")
    if examples.is_dir() and all(examples.resolve() != folder.resolve() for folder in folders):
        folders.insert(0, examples)
    return root, folders


def make_server(root: Path, folders: list[Path], port: int = 0):
    """A uvicorn server for the studio, its socket bound on 127.0.0.1 (as ``server.studio_socket``), and the
    address to open. The socket is bound first so that port 0 gives a known port for the Host check."""
    import uvicorn

    from .app import create_app
    from .guard import new_token

    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((HOST, port))
    except OSError as exc:
        listening.close()
        raise InputError(
            [Problem(Location("--port"), f"cannot listen on {HOST}:{port}: {exc.strerror or exc}")]
        ) from None
    bound = listening.getsockname()[1]
    token = new_token()
    app = create_app(root, folders, token, bound)

    class StudioServer(uvicorn.Server):
        """A uvicorn server that keeps the socket bound for it, so that run(sockets=...) serves on that port."""

        studio_socket: socket.socket

    server = StudioServer(uvicorn.Config(app, access_log=False, log_level="warning", lifespan="off"))
    server.studio_socket = listening
    return server, f"http://{HOST}:{bound}/?token={token}"
