"""Exceptions and warnings raised by valuechain.

Every error the toolkit raises on bad input derives from :class:`ValueChainError`, so a caller
(the CLI, a notebook) can catch one class and print a one-line message.
"""

from __future__ import annotations

__all__ = [
    "InfeasibleError",
    "NetworkError",
    "NetworkWarning",
    "OutputError",
    "OutputInterrupted",
    "ScenarioError",
    "SolverError",
    "StudyError",
    "ValueChainError",
]


class ValueChainError(Exception):
    """Base class of every error raised by valuechain on bad input or a failed computation.

    Errors raised by a declared parameter check (``valuechain._params.check``) also say which
    parameter failed, what it expects and the value received, so that a file reader can restate
    them as ``file: key.param: expected ..., got ...``; they are ``None`` otherwise.
    """

    param: str | None = None
    expected: str | None = None
    got: object = None


class NetworkError(ValueChainError):
    """A network's files or tables are missing, malformed or inconsistent.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file
        The file (or table label, for networks built in code) the error is in.
    row
        1-based data row in that file (the header is not counted); ``None`` when the error
        concerns the whole file or a column.
    field
        The column the error is in, if any.
    line
        The line of the file the row was read from, if known.
    key
        What identifies the row besides its number (e.g. ``"id 'cn-cam'"``), if known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.row = row
        self.field = field
        self.line = line
        self.key = key
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            about = [f"line {self.line}"] if self.line else []
            about += [self.key] if self.key else []
            where.append(f"row {self.row}" + (f" ({', '.join(about)})" if about else ""))
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason


class ScenarioError(ValueChainError):
    """A shock, scenario or risk register is invalid for the network it is applied to."""


class StudyError(ValueChainError):
    """A study specification (``models/*.yaml``) is missing, malformed or inconsistent."""


class SolverError(ValueChainError):
    """The solver failed or stopped without an optimal solution."""


class InfeasibleError(SolverError):
    """The model has no feasible solution."""


class OutputError(ValueChainError):
    """An output path cannot be written, or writing the outputs failed (they are then left as they were)."""


class OutputInterrupted(KeyboardInterrupt):
    """Ctrl-C while outputs were being written; the message says what was left in place."""


class NetworkWarning(UserWarning):
    """A network is valid but something in it deserves attention (e.g. unbalanced baseline flows)."""
