"""The ``mlgate`` command group and its one error handler.

Start-up is kept fast: only click and this package's small modules are imported here;
pydantic, numpy, pandas and the gate libraries are imported inside the commands. Each
command lives in a module of this package (check, review, project), collects its options
and calls one library function.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

from mlgate._version import __version__
from mlgate.errors import ExitCode, MlgateError, PolicyError
from mlgate.textsafe import clean

BUG_HINT = "this is a bug in mlgate; please report it with the traceback above"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="mlgate")
def cli() -> None:
    """mlgate: quality gates and compliance checks for machine-learning projects.

    A YAML policy names datasets, models and predictions and the gates they must pass;
    `mlgate check` runs them and exits 0 (passed), 1 (a gate failed or could not run),
    2 (the policy or command line is wrong) or 3 (mlgate itself broke).
    """


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and map every outcome to one exit code (the one error handler)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result: Any = cli.main(args=args, prog_name="mlgate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except (click.Abort, KeyboardInterrupt):
        click.echo("mlgate: interrupted", err=True)
        return int(ExitCode.INTERRUPTED)
    except PolicyError as exc:
        click.echo(clean(str(exc)), err=True)
        n = len(exc.problems)
        click.echo(f"mlgate: the policy is invalid ({n} problem{'s' if n != 1 else ''})", err=True)
        return int(exc.exit_code)
    except MlgateError as exc:
        click.echo(f"mlgate: error: {clean(str(exc))}", err=True)
        return int(exc.exit_code)
    except Exception:
        traceback.print_exc()
        click.echo(f"mlgate: internal error: {BUG_HINT}", err=True)
        return int(ExitCode.INTERNAL)
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
