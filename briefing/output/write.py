"""Writing results: checked before any model time, then written atomically (temp file + rename), so an
interrupted run or a full disk never leaves a partial file and never harms an input.

:func:`check_destination` (one output file) and :func:`check_folder` (``-o DIR`` of a batch) refuse, as an
:class:`~briefing.errors.OutputError` (one line, exit 2): a destination that is one of the inputs (by any name:
``./a.txt``, ``../x/a.txt``, a symlink or a hard link), a read-only file or folder, something that is not a regular
file. :func:`write_atomic` writes the temp file in the destination's own folder (so the rename never crosses
filesystems) and turns a failed write (``ENOSPC``, ``EACCES``) into the same kind of error, the old file intact.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Iterable

from briefing.errors import OutputError


def _why(e: OSError) -> str:
    return e.strerror or str(e)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names reach one file: the same resolved real path, or (hard links) the same inode."""
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
        return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except OSError:
        return False


def _local_inputs(inputs: Iterable[str | Path | None]) -> list[str]:
    from briefing.ingest.core import is_url

    return [str(i) for i in inputs if i and str(i) != "-" and not is_url(str(i))]


def _read_only(st: os.stat_result) -> bool:
    """No write bit for anyone: refused even for root, who could write it (a user made it read-only)."""
    return not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _existing_folder(folder: Path) -> Path:
    """The folder, or its nearest ancestor that exists (where :func:`write_atomic` would create the rest)."""
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _check_writable_folder(folder: Path, label: str) -> None:
    where = _existing_folder(folder)
    if not where.is_dir():
        raise OutputError(f"{label}: {where} is not a folder")
    try:
        if _read_only(where.stat()):
            raise OutputError(f"{label}: the folder {where} is read-only")
        fd, probe = tempfile.mkstemp(dir=where, prefix=".briefing-probe-", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise OutputError(f"{label}: cannot write in the folder {where} ({_why(e)})") from None


def check_destination(path: str | Path | None, inputs: Iterable[str | Path | None] = ()) -> None:
    """Refuse, before any model time, an output file that names an input, is read-only, is not a regular file,
    or lies in a folder that cannot be written. ``None`` and ``-`` (stdout) pass."""
    if path is None or str(path) == "-":
        return
    label = f"-o {path}"
    for source in _local_inputs(inputs):
        if same_file(path, source):
            raise OutputError(f"{label} is the input {source}: writing there would destroy it; name another "
                              f"output file")
    p = Path(path)
    if p.exists() or p.is_symlink():
        try:
            st = p.stat()
        except OSError as e:
            raise OutputError(f"{label}: cannot use it ({_why(e)})") from None
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{label} is a folder; name an output file (a folder is for many inputs)")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{label} is not a regular file; write to a file, or leave out -o for stdout")
        if _read_only(st) or not os.access(p, os.W_OK):
            raise OutputError(f"{label} is read-only; it was left as it is")
    _check_writable_folder(p.parent, label)


def check_folder(path: str | Path, inputs: Iterable[str | Path | None] = ()) -> None:
    """Refuse, before any model time, an output folder of a batch that is a file, one of the inputs, or cannot
    be written."""
    label = f"-o {path}"
    p = Path(path)
    for source in _local_inputs(inputs):
        if not Path(source).is_dir() and same_file(p, source):
            raise OutputError(f"{label} is the input {source}; name an output folder")
    if p.exists() and not p.is_dir():
        raise OutputError(f"{label}: many inputs need an output folder, and this is a file")
    _check_writable_folder(p, label)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename. An existing file keeps its
    mode; a failed write removes the temp file and leaves the old file as it was."""
    path = Path(path)
    label = f"-o {path}" if path.name else str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as e:
        raise OutputError(f"{label}: cannot write in {path.parent} ({_why(e)})") from None
    try:
        mode = 0o644
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(path.stat().st_mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise OutputError(f"{label}: writing failed ({_why(e)}); nothing was written and any earlier file "
                              f"is intact") from None
        raise
    return path


def emit(data: str | bytes, path: str | Path | None) -> None:
    """To ``path`` atomically, or to stdout when ``path`` is None or ``-``."""
    if path is None or str(path) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
            sys.stdout.flush()
        return
    write_atomic(path, data)
