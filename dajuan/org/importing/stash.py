"""Where the import page keeps uploaded files between the dry run and the confirmation: a private
temporary directory per upload, named by a random token that only the server-side session holds.
The commit reads the files back from here (never from the browser) and checks them again."""

import json
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from dajuan.org.importing.report import Source

MAX_AGE_SECONDS = 24 * 3600  # an abandoned upload is removed by the next one after a day
TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
MANIFEST = "manifest.json"


def _root() -> Path:
    return Path(tempfile.gettempdir()) / "dajuan-org-import"


def stash_put(sources: list[Source]) -> str:
    """Keep the files; returns the token to put in the session."""
    _sweep()
    token = secrets.token_hex(16)
    _root().mkdir(mode=0o700, exist_ok=True)
    folder = _root() / token
    folder.mkdir(mode=0o700)
    for index, source in enumerate(sources):
        (folder / str(index)).write_bytes(source.data)
    (folder / MANIFEST).write_text(json.dumps([source.name for source in sources]), encoding="utf-8")
    return token


def stash_get(token: str | None) -> list[Source] | None:
    """The files kept under `token`, or None when the token is malformed, unknown or expired."""
    folder = _folder(token)
    if folder is None or not (folder / MANIFEST).exists():
        return None
    names = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return [Source(name=name, data=(folder / str(index)).read_bytes()) for index, name in enumerate(names)]


def stash_drop(token: str | None) -> None:
    folder = _folder(token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _folder(token: str | None) -> Path | None:
    if not token or not TOKEN_PATTERN.match(token):
        return None  # never build a path from anything but our own tokens
    return _root() / token


def _sweep() -> None:
    root = _root()
    if not root.is_dir():
        return
    cutoff = time.time() - MAX_AGE_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
