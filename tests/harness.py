"""Fixtures that run real dashboards and notebooks.

``voila_page`` serves one app from ``voila_apps/`` with the flags of ``workbench serve``
and opens it in Debian's headless Chromium through Playwright (never Playwright's own
browser download). ``run_notebook`` executes a notebook with Papermill.
``tiny_workspace`` is a small real workspace for both: two imported files and one
rejected file.

The browser may only reach 127.0.0.1: every other request is aborted, so a dashboard
that tries to load something from the internet fails its test instead of leaking out.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import papermill
import psutil
import pytest
from playwright.sync_api import Page, sync_playwright

from workbench.data import Workspace
from workbench.errors import DataFileError
from workbench.ui.serve import voila_command, voila_environment

REPO_ROOT = Path(__file__).resolve().parents[1]
VOILA_APPS = REPO_ROOT / "voila_apps"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Source files of ``tiny_workspace``, imported in this order with the generic_sales profile,
# which picks the table from the file name. The last one is rejected: row 2 has a sales
# value that is not a number and row 3 a week_start that is not a date.
TINY_WORKSPACE_FILES = {
    "stores.csv": "store_id,name,region\nS1,一号店,华东\nS2,二号店,华北\n",
    "sales.csv": ("store_id,week_start,sales\n"
                  "S1,2024-01-01,100\nS1,2024-01-08,120\nS2,2024-01-01,90\n"),
    "bad_sales.csv": "store_id,week_start,sales\nS1,2024-01-15,abc\nS2,someday,5\n",
}

# Voila 0.5.13 responded after about 3 s on a 2-CPU host in this harness. The limit
# leaves room for a loaded CI host.
VOILA_START_TIMEOUT = 60.0
VOILA_STOP_TIMEOUT = 15.0
LOG_TAIL_LINES = 60


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of a log file, or a note that it is missing."""
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text("utf-8", errors="replace").splitlines()[-lines:])


class VoilaServer:
    """One Voila process serving one app, with its output in ``log_path``.

    Voila runs in its own process group. Its kernels run in sessions of their own
    (jupyter_client starts them that way), so :meth:`stop` also ends the kernels that
    are still alive after Voila has shut down.
    """

    def __init__(self, app: Path, port: int, env: dict[str, str], log_path: Path,
                 preheat: bool) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            voila_command(app, port, preheat=preheat),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_ready(self, timeout: float = VOILA_START_TIMEOUT) -> None:
        """Poll a static file until Voila responds to HTTP, else fail with the log tail."""
        # A static file costs nothing, whereas the app URL would take a preheated kernel.
        probe = self.url + "voila/static/voila.js"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"Voila exited with code {self.process.returncode} before responding to HTTP; "
                    f"last lines of {self.log_path}:\n{log_tail(self.log_path)}"
                )
            try:
                with urllib.request.urlopen(probe, timeout=2):
                    return
            except urllib.error.HTTPError:
                # An error status is still a response from a running server.
                return
            except OSError:
                time.sleep(0.2)
        pytest.fail(
            f"Voila timed out: no HTTP response from {self.url} within {timeout:.0f} s; "
            f"last lines of {self.log_path}:\n{log_tail(self.log_path)}"
        )

    def stop(self) -> None:
        """Terminate Voila's process group, then any kernel it left behind."""
        if self.process.poll() is None:
            try:
                kernels = psutil.Process(self.process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                kernels = []
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=VOILA_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=VOILA_STOP_TIMEOUT)
            _, alive = psutil.wait_procs(kernels, timeout=5)
            for kernel in alive:
                kernel.kill()
        self._log.close()


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def _allow_only_localhost(route) -> None:
    if urlsplit(route.request.url).hostname in {"127.0.0.1", None}:
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def voila_page(tmp_path: Path) -> Iterator[Callable[..., Page]]:
    """Serve one Voila app and return a Playwright page showing it.

    The fixture is a factory::

        page = voila_page("workspace_overview", env={"WORKBENCH_LANG": "en"})

    ``name`` is an app in ``voila_apps/`` without ``.ipynb``. ``env`` adds environment
    variables for Voila and its kernels. ``preheat`` (default ``True``, as in
    ``workbench serve``) keeps a preheated kernel. The page has loaded when it is
    returned, but widgets may still be rendering, so wait for the element you check.
    Each call starts its own Voila server, and all of them stop at teardown.
    """
    servers: list[VoilaServer] = []
    playwright = sync_playwright().start()
    browser = None

    def open_app(name: str, env: dict[str, str] | None = None, *, preheat: bool = True,
                 timeout: float = VOILA_START_TIMEOUT) -> Page:
        nonlocal browser
        app = VOILA_APPS / f"{name}.ipynb"
        assert app.is_file(), f"no Voila app {app}"
        port = free_port()
        server_env = voila_environment({**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        server = VoilaServer(app, port, server_env, tmp_path / f"voila-{name}-{port}.log",
                             preheat)
        servers.append(server)
        server.wait_until_ready(timeout)

        if browser is None:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"),
                headless=True,
                args=CHROMIUM_ARGS,
            )
        page = browser.new_page()
        page.route("**/*", _allow_only_localhost)
        page.goto(server.url, timeout=timeout * 1000)
        return page

    yield open_app

    if browser is not None:
        browser.close()
    playwright.stop()
    for server in servers:
        server.stop()


@pytest.fixture
def run_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                 ) -> Callable[..., nbformat.NotebookNode]:
    """Execute a notebook with Papermill and return the executed notebook.

    The fixture is a factory::

        executed = run_notebook("notebooks/00_workspace.ipynb", {"lang": "en"})

    ``path`` is relative to the repository root, which is also the kernel's working
    directory. ``parameters`` go to the cell tagged ``parameters``, and ``env`` adds
    environment variables for the kernel. The executed copy is written to ``tmp_path``.
    A failing cell raises :class:`papermill.PapermillExecutionError`.
    """

    def execute(path: str | os.PathLike, parameters: dict | None = None, *,
                env: dict[str, str] | None = None, timeout: float = 120
                ) -> nbformat.NotebookNode:
        source = REPO_ROOT / path
        output = tmp_path / f"executed-{source.name}"
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        return papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters or {},
            kernel_name="python3",
            cwd=str(REPO_ROOT),
            execution_timeout=timeout,
            progress_bar=False,
        )

    return execute


@pytest.fixture(scope="session")
def tiny_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a workspace with 2 units, 3 weekly sales rows and one rejected file.

    The workspace is shared by the whole session, so tests must open it read-only.
    """
    folder = tmp_path_factory.mktemp("tiny_workspace")
    path = folder / "workspace.duckdb"
    with Workspace(path) as workspace:
        for name, text in TINY_WORKSPACE_FILES.items():
            source = folder / name
            source.write_text(text, encoding="utf-8")
            try:
                workspace.import_file(source, "generic_sales")
            except DataFileError:
                assert name == "bad_sales.csv", f"{name} was rejected"
    return path
