"""The ``valuechain`` command line.

Each layer contributes its commands from a module in :mod:`valuechain.commands` that defines
``register(app)``; heavy libraries (Numba, Pyomo) are imported inside the commands so that the
CLI starts quickly. Errors on bad input are printed as one line and exit with status 1.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence

import click
import typer
from rich.console import Console

from valuechain.errors import ValueChainError

__all__ = ["app", "err_console", "main", "run"]

app = typer.Typer(
    name="valuechain",
    help="Supply-chain network optimisation and disruption analysis for the lithium-ion battery value chain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _register_commands() -> None:
    import valuechain.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"valuechain.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def _is_usage_error(e: Exception) -> bool:
    """A usage error (bad option or argument), not the help a bare command group shows."""
    return (
        getattr(e, "exit_code", None) == 2
        and hasattr(e, "ctx")
        and callable(getattr(e, "format_message", None))
        and type(e).__name__ != "NoArgsIsHelpError"
    )


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # The command is invoked here rather than through ``app(...)``: typer turns Ctrl-C into a
        # bare exit status 130, which would swallow the line that says what was left on disk.
        command = typer.main.get_command(app)
        with command.make_context("valuechain", args) as ctx:
            result = command.invoke(ctx)
    except (click.exceptions.Exit, typer.Exit) as e:
        return int(e.exit_code)
    except (click.ClickException, typer.TyperException) as e:
        # typer raises its own copy of click's exceptions, so they are told apart by what they carry
        if _is_usage_error(e):  # a bad option or argument: one line, like every other error, and status 1
            where = getattr(e, "ctx", None)
            hint = f" (see '{where.command_path} --help')" if where is not None else ""
            err_console.print(f"error: {e.format_message()}{hint}", markup=False)
            return 1
        show = getattr(e, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"error: {e}", markup=False)
        return int(getattr(e, "exit_code", 2))
    except (click.exceptions.Abort, typer.Abort):
        err_console.print("aborted")
        return 1
    except ValueChainError as e:
        err_console.print(f"error: {e}", markup=False)
        return 1
    except MemoryError:
        err_console.print(
            "error: out of memory; expected a smaller run (fewer months, scenarios or samples)", markup=False
        )
        return 1
    except KeyboardInterrupt as e:
        err_console.print(f"interrupted: {e}" if str(e) else "interrupted", markup=False)
        return 130
    return result if isinstance(result, int) else 0


def main() -> None:
    """Entry point of the ``valuechain`` script."""
    sys.exit(run())
