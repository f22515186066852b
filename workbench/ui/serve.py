"""The Voila command line shared by ``workbench serve`` and the browser tests.

Both start Voila through :func:`voila_command`, so the tests drive the dashboards with
the flags users get. The option names were checked against ``voila --help-all`` of
Voila 0.5.13.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["APPS_FOLDER", "PREHEAT_POOL_SIZE", "TEMPLATE", "voila_command", "voila_environment",
           "voila_executable"]

# The dashboards that `workbench serve` publishes.
APPS_FOLDER = Path(__file__).resolve().parents[2] / "voila_apps"

# The page template: Voila's lab template without stylesheets from a CDN. Voila finds it
# through JUPYTER_PATH, which voila_environment sets.
TEMPLATE = "workbench"
_TEMPLATE_ROOT = Path(__file__).resolve().parent / "templates"


def voila_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: this process's environment) with our templates on JUPYTER_PATH."""
    environment = dict(os.environ if base is None else base)
    paths = [str(_TEMPLATE_ROOT), *filter(None, environment.get("JUPYTER_PATH", "").split(
        os.pathsep))]
    environment["JUPYTER_PATH"] = os.pathsep.join(paths)
    return environment


# Preheated kernels per notebook. Each one runs its notebook before any visitor arrives
# and Voila starts a replacement as soon as it is used, so one per app keeps memory low.
PREHEAT_POOL_SIZE = 1


def voila_executable() -> Path:
    """Return the ``voila`` script installed next to the running Python interpreter."""
    return Path(sys.executable).parent / "voila"


def voila_command(target: str | os.PathLike, port: int, *, preheat: bool = True) -> list[str]:
    """Build the command that serves ``target`` with Voila on ``127.0.0.1:port``.

    Parameters
    ----------
    target
        One notebook (``voila_apps/<name>.ipynb``) or the ``voila_apps/`` folder.
    port
        TCP port to listen on.
    preheat
        Keep :data:`PREHEAT_POOL_SIZE` kernels per notebook that have already run the
        notebook, so the first page load does not wait for a kernel to start.

    Returns
    -------
    list of str
        Arguments for :class:`subprocess.Popen`. Sources and tracebacks are hidden
        from visitors, because dashboard users are not meant to read code.

    Notes
    -----
    A preheated kernel runs the notebook with the environment of the Voila process at
    the time the kernel starts, so an app shows the workspace as it was then until the
    visitor refreshes the view.
    """
    command = [
        str(voila_executable()),
        str(target),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={int(port)}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        f"--template={TEMPLATE}",
    ]
    if preheat:
        command += ["--preheat_kernel=True", f"--pool_size={PREHEAT_POOL_SIZE}"]
    return command
