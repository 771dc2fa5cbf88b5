"""Writing outputs whole or not at all.

Commands check where they will write before they compute (:func:`check_out_dir`,
:func:`check_out_file`), so that a path that cannot be written fails in a second, not after the
whole computation. Writers then write into a temporary sibling and rename it into place
(:func:`atomic_dir`, :func:`atomic_file`): after an interruption or a failed write the previous
outputs are there whole, or nothing is, never a truncated file or a mix of two runs.

A folder of outputs is replaced as a whole, so that no file of an earlier run is left next to the
new ones. To never replace a folder of the user's own files, a folder written here carries a
small marker file (:data:`MARKER`); an existing folder is replaced only when it is empty, carries
the marker, or holds nothing but files named as the writer's own outputs (``earlier``: folders
written before the marker existed).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from valuechain.errors import OutputError, OutputInterrupted

__all__ = ["MARKER", "atomic_dir", "atomic_file", "check_out_dir", "check_out_file", "check_writable_folder"]

#: Name of the marker file in every folder of outputs written by :func:`atomic_dir`.
MARKER = ".valuechain-output"


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (as anything: a folder, a file, a link)."""
    p = path
    while not os.path.lexists(p) and p != p.parent:
        p = p.parent
    return p


def _writable_folder(folder: Path, option: str, target: Path) -> None:
    """Check that files can be created in ``folder`` (permissions, and by creating one)."""
    if not folder.is_dir():
        raise OutputError(f"cannot write {option} {target}: {folder} is a file, expected a folder there")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {option} {target}: {folder} is read-only; expected a writable folder")
    probe = folder / f".valuechain-probe-{secrets.token_hex(4)}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as e:
        raise OutputError(
            f"cannot write {option} {target}: {folder} refuses new files ({e.strerror or e}); "
            "expected a writable folder"
        ) from None


def _only_outputs(folder: Path, entries: list[str], earlier: tuple[str, ...]) -> bool:
    """Whether every entry of ``folder`` is a file named like one of the writer's outputs."""
    return bool(earlier) and all(
        (folder / name).is_file() and any(fnmatch.fnmatchcase(name, pat) for pat in earlier) for name in entries
    )


def check_out_dir(out: str | os.PathLike[str], option: str = "--out", earlier: tuple[str, ...] = ()) -> Path:
    """Check that ``out`` can be written as a folder of outputs, before anything is computed.

    ``out`` may not exist yet (it and its missing parents are created), or be an empty folder, or
    a folder written earlier by valuechain (it is then replaced as a whole).

    Parameters
    ----------
    out
        The folder.
    option
        The command-line option that named it, for the message.
    earlier
        File-name patterns of the writer's outputs: a folder holding only such files (written
        before folders were marked) is replaced too.

    Returns
    -------
    pathlib.Path
        ``out`` as a path.

    Raises
    ------
    OutputError
        If ``out`` is a file, lies under a file, is in (or is) a folder that cannot be written, or
        is a folder of other files that replacing it would delete.
    """
    path = Path(out)
    if os.path.lexists(path):
        if not path.is_dir():
            raise OutputError(
                f"cannot write {option} {path}: it is a file; expected a folder (new, empty, or of earlier outputs)"
            )
        here = Path.cwd().resolve()
        real = path.resolve()
        try:
            home: Path | None = Path.home().resolve()
        except (RuntimeError, KeyError):  # no home folder known
            home = None
        if real in (here, home) or real in here.parents:
            raise OutputError(
                f"cannot write {option} {path}: it is the current folder or holds it; "
                "expected a folder of its own for the outputs"
            )
        entries = [p.name for p in path.iterdir()]
        if entries and MARKER not in entries and not _only_outputs(path, entries, earlier):
            shown = ", ".join(sorted(entries)[:3]) + (", ..." if len(entries) > 3 else "")
            raise OutputError(
                f"cannot write {option} {path}: the folder holds files valuechain did not write ({shown}); "
                "expected a new or empty folder, or one written by valuechain (outputs replace the folder as a whole)"
            )
        _writable_folder(path, option, path)
        _writable_folder(real.parent, option, path)
        return path
    _writable_folder(_nearest_existing(path.absolute().parent), option, path)
    return path


def check_writable_folder(folder: str | os.PathLike[str], option: str = "--out") -> Path:
    """Check that files can be added to ``folder`` (created if missing), which is not replaced.

    Raises
    ------
    OutputError
        If ``folder`` is a file, lies under a file, or cannot be written.
    """
    path = Path(folder)
    if os.path.lexists(path):
        _writable_folder(path, option, path)
    else:
        _writable_folder(_nearest_existing(path.absolute().parent), option, path)
    return path


def check_out_file(path: str | os.PathLike[str], option: str = "--csv") -> Path:
    """Check that the file ``path`` can be written, before anything is computed.

    Its folder must exist; the file may exist (it is replaced).

    Raises
    ------
    OutputError
        If ``path`` is a folder, its folder does not exist or is a file, or the folder cannot be
        written.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"cannot write {option} {p}: it is a folder; expected a file name")
    folder = p.absolute().parent
    if not os.path.lexists(folder):
        raise OutputError(f"cannot write {option} {p}: folder {folder} does not exist; expected an existing folder")
    _writable_folder(folder, option, p)
    if os.path.lexists(p) and not os.access(p, os.W_OK):
        raise OutputError(f"cannot write {option} {p}: the file is read-only; expected a file that can be replaced")
    return p


@contextlib.contextmanager
def _held_sigint() -> Iterator[list[int]]:
    """Hold Ctrl-C back for the few renames that swap outputs in; yields the signals held.

    The Python-level handler is replaced (not the signal mask): CPython runs a signal's handler
    at some later bytecode, so a Ctrl-C that came just before the swap could otherwise raise in
    the middle of it. Outside the main thread signals are not handled, and nothing is done.
    """
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    old = signal.signal(signal.SIGINT, hold)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, old)


def _state(out: Path, existed: bool) -> str:
    return f"{out} left as it was (previous run)" if existed else f"nothing written to {out}"


@contextlib.contextmanager
def atomic_dir(out: str | os.PathLike[str], option: str = "--out", earlier: tuple[str, ...] = ()) -> Iterator[Path]:
    """Write a folder of outputs into a temporary sibling and swap it in whole on success.

    Use as ``with atomic_dir(out) as tmp:`` and write every file into ``tmp``. On success the
    previous ``out`` (if any) is replaced as a whole; on an error or Ctrl-C the temporary folder is
    removed and ``out`` is left as it was.

    Parameters
    ----------
    out
        The folder of outputs (see :func:`check_out_dir` for what it may be).
    option
        The command-line option that named it, for messages.
    earlier
        File-name patterns of the writer's outputs (see :func:`check_out_dir`).

    Yields
    ------
    pathlib.Path
        The temporary folder to write into.

    Raises
    ------
    OutputError
        If ``out`` cannot be written (checked first), or writing fails (``OSError``); the message
        says what happened to ``out``.
    OutputInterrupted
        On Ctrl-C while writing; a ``KeyboardInterrupt`` whose message says what happened to ``out``.
    """
    path = check_out_dir(out, option, earlier)
    existed = path.is_dir()
    path.absolute().parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    tmp = path.absolute().parent / f".{path.name}.new-{token}"
    tmp.mkdir()
    backup = path.absolute().parent / f".{path.name}.old-{token}"
    done = False  # the new folder is in place (a Ctrl-C held back during the swap arrives after it)
    try:
        yield tmp
        (tmp / MARKER).write_text(
            "This folder was written by valuechain; the next run that writes here replaces it as a whole.\n", "utf-8"
        )
        with _held_sigint() as held:
            if existed:
                os.rename(path, backup)
            try:
                os.rename(tmp, path)
            except BaseException:
                if existed:
                    os.rename(backup, path)
                raise
            done = True
            if existed:
                shutil.rmtree(backup, ignore_errors=True)
        if held:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        if done:
            raise OutputInterrupted(f"{path} was written whole before it (this run)") from None
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputInterrupted(_state(path, existed)) from None
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write {path} ({e.strerror or e}); {_state(path, existed)}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], option: str = "--csv") -> Iterator[Path]:
    """Write one file under a temporary name in its folder and rename it into place on success.

    The temporary name keeps the file's extension (so that writers that go by it, such as
    matplotlib, write the right format).

    Yields
    ------
    pathlib.Path
        The temporary file to write.

    Raises
    ------
    OutputError
        If the file cannot be written (checked first), or writing fails.
    OutputInterrupted
        On Ctrl-C while writing.
    """
    p = check_out_file(path, option)
    existed = os.path.lexists(p)
    tmp = p.absolute().parent / f".new-{secrets.token_hex(4)}-{p.name}"
    done = False
    try:
        yield tmp
        with _held_sigint() as held:
            os.replace(tmp, p)
            done = True
        if held:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        if done:
            raise OutputInterrupted(f"{p} was written whole before it (this run)") from None
        tmp.unlink(missing_ok=True)
        raise OutputInterrupted(_state(p, existed)) from None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {p} ({e.strerror or e}); {_state(p, existed)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
