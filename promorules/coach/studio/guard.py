"""What keeps the studio's local server from being used by anyone but the coach who started it.

The studio reads a person's facts and writes rule files, so a request it
answers is as good as the coach's own hand on the keyboard. Three things
stand between it and everyone else:

- **Only this machine.** It listens on 127.0.0.1, never on a network.
- **DNS rebinding.** A web page elsewhere can point its own host name at
  127.0.0.1 and then read the studio's answers as "same origin". The browser
  still sends that name in the Host header, so a request whose Host is not
  127.0.0.1 or localhost (on the studio's port) is refused.
- **Cross-site requests.** Any page the coach visits can make the browser send
  a form to 127.0.0.1 (a POST needs no permission), and, without a secret, it
  would overwrite a rule file. Every request must carry the random token made
  for this run (in the address, and in every form); another site cannot read
  it, so it cannot forge a request. No cookie is used, so the browser holds
  nothing another site could borrow.

A file is named by its path inside the opened ruleset folder, and only a file
the studio itself lists there (the folder's rule files and manifest, its
feature files) can be read or written: no ``../``, no absolute path, no link
leading out.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs

from ...ruleset.loader import RULE_SUFFIXES

HOSTS = ("127.0.0.1", "localhost")
MAX_FORM_BYTES = 3 * 1024 * 1024  # a rule file may hold 1 MiB; a form escapes it to at most three times that
MAX_FORM_FIELDS = 200


class Refused(Exception):
    """A request the studio does not answer: the status and a sentence for the coach."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def new_token() -> str:
    """A secret for one run of the studio: 256 random bits, safe in an address."""
    return secrets.token_urlsafe(32)


def token_matches(given: Optional[str], token: str) -> bool:
    return isinstance(given, str) and secrets.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def host_allowed(host: Optional[str], port: Optional[int]) -> bool:
    """127.0.0.1 or localhost, on ``port`` when the port is known (a name pointed here by DNS is refused)."""
    if not host:
        return False
    name, _, given_port = host.rpartition(":") if ":" in host else (host, "", "")
    if name.lower() not in HOSTS:
        return False
    return port is None or not given_port or given_port == str(port)


def content_hash(data: Optional[bytes]) -> str:
    """What a page remembers of a file it showed, to tell on saving whether the file changed meanwhile."""
    return "absent" if data is None else hashlib.sha256(data).hexdigest()


def editable_files(root: Path) -> list[str]:
    """The files of the ruleset folder the studio shows, as paths inside it: manifest and rule files, then
    the feature files under features/. Hidden files (an editor's or a writer's temporary files) are left out."""
    base = root.resolve()
    found = sorted(path for path in root.iterdir() if path.suffix in RULE_SUFFIXES)
    features = root / "features"
    if features.is_dir():
        found += sorted(features.rglob("*.feature"))
    names = []
    for path in found:
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if not path.resolve().is_relative_to(base):  # a link leading out of the folder
            continue
        names.append(relative.as_posix())
    return names


def confined(root: Path, name: Optional[str]) -> Path:
    """The file ``name`` of the ruleset folder, if the studio lists it; anything else is refused (404)."""
    if not name or name not in editable_files(root):
        raise Refused(404, "no such file in the ruleset folder: the studio opens only the files it lists")
    path = root / name
    if not path.resolve().is_relative_to(root.resolve()):  # changed into a link leading out since it was listed
        raise Refused(404, "no such file in the ruleset folder: the studio opens only the files it lists")
    return path


def parse_form(body: bytes) -> dict[str, list[str]]:
    """A URL-encoded form (what an HTML form sends), with its size and number of fields bounded."""
    if len(body) > MAX_FORM_BYTES:
        raise Refused(413, "the form is too large")
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the form could not be read") from None
