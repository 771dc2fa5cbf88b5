"""Reading YAML files (study specs, scenario files) with one-line errors that say where.

:func:`read_yaml` turns the three ways a hand-written file goes wrong before its content is even
looked at into one-line errors of the caller's class: the file is missing, it is not UTF-8 text,
or it is not valid YAML (with ``file:line:column`` and the parser's own words).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from valuechain.errors import ValueChainError

__all__ = ["parse_yaml", "read_text", "read_yaml"]


def read_yaml(path: str | Path, error: type[ValueChainError], what: str = "file") -> Any:
    r"""Return the content of a YAML file, or raise ``error`` with a one-line message.

    Parameters
    ----------
    path
        The file.
    error
        The exception class to raise (``StudyError``, ``ScenarioError``, ...).
    what
        What the file should be, for the "no such file" message (e.g. "study spec").

    Raises
    ------
    ValueChainError
        ``error``: the file is missing or unreadable, not UTF-8 text, or not valid YAML; the
        message names the file and, for YAML errors, the line and column (1-based).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from valuechain.errors import StudyError
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_text("network: [toy\n")
    >>> try:
    ...     read_yaml(p, StudyError)
    ... except StudyError as e:
    ...     print(str(e).replace(str(p), "s.yaml"))
    s.yaml:2:1: not valid YAML: while parsing a flow sequence, expected ',' or ']', but got '<stream end>'
    """
    return parse_yaml(read_text(path, error, what), path, error)


def read_text(path: str | Path, error: type[ValueChainError], what: str = "file") -> str:
    """The text of a hand-written file (UTF-8, a byte-order mark dropped), or ``error`` in one line."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise error(f"{p}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{p}: is a folder, not a {what}") from None
    except OSError as e:
        raise error(f"{p}: cannot read the {what} ({e.strerror or e})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise error(
            f"{p}:{line}: expected UTF-8 text; byte 0x{data[e.start]:02x} at offset {e.start} is not UTF-8 "
            "(save the file as UTF-8)"
        ) from None


def parse_yaml(text: str, path: str | Path, error: type[ValueChainError]) -> Any:
    """The content of YAML ``text`` read from ``path``, or ``error`` naming ``file:line:column``."""
    import yaml

    p = Path(path)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(p)
        parts = [s for s in (e.context, e.problem) if s]
        raise error(f"{where}: not valid YAML: {', '.join(parts) or 'syntax error'}") from None
    except yaml.YAMLError as e:
        raise error(f"{p}: not valid YAML: {str(e).splitlines()[0]}") from None
