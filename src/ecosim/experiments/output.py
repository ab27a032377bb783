"""The one writer of output folders and files: checks, atomic files, whole-folder swaps.

Every command that writes results goes through here:

* :func:`check_out` checks an output folder before anything runs (empty name, NUL
  byte, over-long name, a file in the way, a parent that cannot be written) and
  :func:`writing` turns any ``OSError`` met while writing into one
  :class:`~ecosim.errors.OutputError` line naming the path and what is wrong (``ecosim``
  prints it as ``ecosim: error: ...``).
* :func:`write_atomic` writes one file through a temporary file in the same folder, an
  ``fsync`` and a rename, so a reader (or a full disk) never sees half a file;
  :func:`save_figure` does the same for every Matplotlib figure of the package.
* :func:`staged_dir` writes a whole result folder (``ecosim run``, ``ecosim compare``)
  into a hidden sibling folder and swaps it in only once every file is written: the
  previous result stays untouched until then, and a failed write leaves it as it was.

Sweeps and sensitivity runs are durable and resumable (part files), so they are not
swapped: their folder is checked with :func:`check_out` and their files are atomic.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import OutputError

__all__ = ["OutputError", "check_out", "check_replaceable", "describe", "short_path",
           "writing", "write_atomic", "save_figure", "staged_dir"]

_WHY = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for the file system",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied (the folder is read-only or not yours)",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "is a folder, expected a file",
    errno.EEXIST: "exists already",
    errno.ENAMETOOLONG: "a name in the path is longer than the file system allows",
    errno.ENOENT: "a folder of the path does not exist",
    errno.ELOOP: "too many symbolic links in the path",
    errno.EIO: "input/output error of the device",
}


def describe(e: OSError) -> str:
    """What an ``OSError`` means, in a few words (and the file it concerns)."""
    why = _WHY.get(e.errno or 0) or e.strerror or str(e) or type(e).__name__
    where = f" ({short_path(e.filename)})" if e.filename else ""
    return f"{why}{where}"


def short_path(path: Any, width: int = 100) -> str:
    """A path for a one-line message: over-long ones are cut in the middle."""
    text = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    if len(text) <= width:
        return text
    return f"{text[:width // 2]}…{text[-width // 4:]} ({len(text)} characters)"


def _error(path: Path | str, what: str, why: str, hint: str = "") -> OutputError:
    label = f"{what} {short_path(path)}" if what else short_path(path)
    return OutputError(f"{label}: {why}" + (f"; {hint}" if hint else ""))


@contextlib.contextmanager
def writing(path: Path | str, what: str = "--out", hint: str = "") -> Iterator[None]:
    """Turn an ``OSError`` raised inside the block into one :class:`OutputError` line.

    Args:
        path: the output folder (or file) being written, named in the message.
        what: how the user gave it (``--out``), or ``""``.
        hint: what to do about it (appended to the message).
    """
    try:
        yield
    except OSError as e:
        raise _error(path, what, "cannot write results: " + describe(e), hint) from None


def check_out(path: Path | str, what: str = "--out") -> Path:
    """Check that ``path`` can be (or already is) an output folder; create nothing.

    Missing parent folders are fine (they are created when writing), but a file in the
    way, an empty name, a NUL byte, an over-long name or a parent that cannot be written
    are refused.

    Returns:
        The folder as a :class:`~pathlib.Path`.

    Raises:
        OutputError: one line naming the folder and what is wrong.
    """
    text = os.fspath(path)
    if not text.strip():
        raise _error(repr(text), what, "empty folder name; give a folder, e.g. results/x")
    if "\0" in text:
        raise _error(repr(text), what, "the name contains a NUL byte")
    out = Path(text)
    try:
        if out.exists():
            if not out.is_dir():
                raise _error(out, what, "exists and is not a folder; choose a folder")
            if not os.access(out, os.W_OK | os.X_OK):
                raise _error(out, what, _WHY[errno.EACCES])
            return out
        _check_name_lengths(out, what)
        parent = out.parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise _error(out, what, f"{_WHY[errno.ENOTDIR]} ({parent})")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise _error(out, what, f"cannot create it in {parent}: {_WHY[errno.EACCES]}")
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            _check_name_lengths(out, what)
        raise _error(out, what, describe(e)) from None
    return out


def _check_name_lengths(out: Path, what: str) -> None:
    """Refuse a path with a name longer than its file system allows."""
    limit = _name_max(out)
    for part in out.parts:
        if len(os.fsencode(part)) > limit:
            raise _error(out, what, f"{_WHY[errno.ENAMETOOLONG]} ({limit} bytes)")


def check_replaceable(out: Path | str, marker: str, what: str = "--out") -> Path:
    """:func:`check_out`, and refuse a non-empty folder that is not a result of this kind
    (it has no ``marker`` file), which :func:`staged_dir` would otherwise replace.

    Returns:
        The folder as a :class:`~pathlib.Path`.

    Raises:
        OutputError: one line naming the folder and what is wrong.
    """
    out = check_out(out, what)
    with writing(out, what):
        foreign = out.is_dir() and any(out.iterdir()) and not (out / marker).is_file()
    if foreign:
        raise _error(out, what, f"exists and holds other files (no {marker}): it is not "
                     "an ecosim result to replace; choose another folder")
    return out


def _name_max(path: Path) -> int:
    """Longest file name (bytes) of the file system that would hold ``path``."""
    probe = path.parent
    with contextlib.suppress(OSError):
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
    try:
        return int(os.pathconf(probe if probe.is_dir() else ".", "PC_NAME_MAX"))
    except (OSError, ValueError):
        return 255


def write_atomic(path: Path, write: Callable[[str], Any]) -> None:
    """Write a file through a temporary file, an ``fsync`` and a rename.

    ``write(tmp)`` writes the content to the temporary path ``tmp``. A reader sees the
    old file or the whole new one, never part of it; on any error the temporary file is
    removed and the old file is left as it was. (``tempfile.mkstemp`` makes files private
    to their owner; results are meant to be shared, so the usual permissions under the
    current umask are restored.)

    Raises:
        OSError: as raised by the file system (see :func:`writing`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_figure(fig: Any, path: str | Path, **kwargs: Any) -> Path:
    """Save a Matplotlib figure atomically (:func:`write_atomic`) and close it.

    Args:
        fig: the figure.
        path: its file; the format is taken from the suffix (``.png``).
        kwargs: passed to ``fig.savefig`` (e.g. ``dpi``).

    Returns:
        The path written.
    """
    import matplotlib.pyplot as plt

    path = Path(path)
    fmt = path.suffix.lstrip(".") or "png"
    try:
        write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, **kwargs))
    finally:
        plt.close(fig)
    return path


@contextlib.contextmanager
def staged_dir(out: Path | str, marker: str, what: str = "--out") -> Iterator[Path]:
    """Write a result folder in a hidden sibling and swap it in whole when complete.

    Yields a new empty folder next to ``out``; when the block ends without error it
    replaces ``out`` (the previous folder is kept until the new one is in place, then
    removed). On an error the staging folder is removed and ``out`` is left untouched;
    an ``OSError`` of the block (a full disk while a figure is written) becomes one
    :class:`OutputError` line.

    Args:
        out: the result folder.
        marker: a file that every result of this kind holds (``summary.json``): an
            existing non-empty folder without it is not ours to replace, and is refused.
        what: how the user gave the folder (``--out``), for messages.

    Raises:
        OutputError: the folder cannot be used or written (one line).
    """
    out = check_replaceable(out, marker, what)
    with writing(out, what):
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    try:
        os.chmod(stage, 0o777 & ~_umask())
        with writing(out, what):  # a file of the block that cannot be written is one line
            yield stage
            _swap(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _swap(stage: Path, out: Path) -> None:
    """Put ``stage`` in the place of ``out``, removing the old ``out`` only afterwards."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
        os.replace(out, old)  # (an empty folder is replaced by a rename)
    try:
        os.replace(stage, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
