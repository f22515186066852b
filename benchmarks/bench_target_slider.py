"""Time from releasing a weight slider to the target dashboard showing the new targets.

Serves ``voila_apps/target_dashboard.ipynb`` on the demo workspace with the flags of
``workbench serve`` (through the test harness's ``VoilaServer``), opens it in Debian's
headless Chromium, and drags the promotion weight slider to one end and the other
``--releases`` times. The page itself records, with ``performance.now()``, the mouse
release and the DOM changes of the target total, the chart and the factor's share label.

The reference is the share label: the kernel sets it first on every release, before it
re-evaluates the targets, so it times a trivial widget round trip on the same page and
the same release. The ratio shows how much the recomputation and the chart add to it.

Usage::

    .venv/bin/python benchmarks/bench_target_slider.py --releases 20

Prints one JSON object. Aim: median to the chart under 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness import CHROMIUM_ARGS, VOILA_APPS, VoilaServer, free_port  # noqa: E402
from workbench.cli import build_demo_workspace  # noqa: E402

RENDER_TIMEOUT_MS = 120_000
UPDATE_TIMEOUT_MS = 20_000
# The chart counts as drawn when its DOM has not changed for this long.
CHART_QUIET_MS = 150

INSTRUMENT = """() => {
  const marks = {release: 0, share: [], total: [], chart: []};
  window.__wbMarks = marks;
  document.addEventListener('mouseup', () => { marks.release = performance.now(); }, true);
  const watch = (selector, list) => new MutationObserver(
      () => list.push(performance.now())).observe(document.querySelector(selector),
      {subtree: true, childList: true, characterData: true, attributes: true});
  watch('.wb-share-promotion', marks.share);
  watch('.wb-target-total', marks.total);
  watch('.wb-target-chart', marks.chart);
}"""

RESET = """() => { const m = window.__wbMarks; m.release = 0; m.share.length = 0;
  m.total.length = 0; m.chart.length = 0; }"""

SETTLED = """(quiet) => { const m = window.__wbMarks;
  if (!m.release || !m.total.length || !m.chart.length || !m.share.length) return false;
  return performance.now() - m.chart[m.chart.length - 1] > quiet; }"""


def _allow_only_localhost(route) -> None:
    if urlsplit(route.request.url).hostname in {"127.0.0.1", None}:
        route.continue_()
    else:
        route.abort()


def drag(page, to_start: bool) -> None:
    """Drag the promotion slider's handle past one end of its track and release it."""
    handle = page.locator(".wb-factor-promotion .noUi-handle").bounding_box()
    track = page.locator(".wb-factor-promotion .noUi-target").bounding_box()
    middle_y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, middle_y)
    page.mouse.down()
    target_x = track["x"] - 20 if to_start else track["x"] + track["width"] + 20
    page.mouse.move(target_x, middle_y, steps=6)
    page.mouse.up()


def measure(page, releases: int) -> list[dict]:
    page.evaluate(INSTRUMENT)
    samples = []
    for release in range(releases):
        page.evaluate(RESET)
        # The demo's promotion weight starts at 35 %, so the first drag goes to 0.
        drag(page, to_start=release % 2 == 0)
        page.wait_for_function(SETTLED, arg=CHART_QUIET_MS, timeout=UPDATE_TIMEOUT_MS)
        marks = page.evaluate("() => window.__wbMarks")
        samples.append({
            "share_ms": marks["share"][0] - marks["release"],
            "total_ms": marks["total"][0] - marks["release"],
            "chart_ms": marks["chart"][-1] - marks["release"],
        })
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=20, help="slider releases to time")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_target_slider_") as folder:
        folder = Path(folder)
        workspace = folder / "workspace.duckdb"
        # The demo's progress lines go to stderr, so stdout contains only the JSON.
        with contextlib.redirect_stdout(sys.stderr):
            built = build_demo_workspace(workspace, folder / "files")
        if built != 0:
            sys.exit("building the demo workspace failed")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "WORKBENCH_LANG": "zh-CN",
               "WORKBENCH_WORKSPACE": str(workspace)}
        server = VoilaServer(VOILA_APPS / "target_dashboard.ipynb", free_port(), env,
                             folder / "voila.log", preheat=True)
        try:
            server.wait_until_ready()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"),
                    headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", _allow_only_localhost)
                started = time.perf_counter()
                page.goto(server.url, timeout=RENDER_TIMEOUT_MS)
                page.locator(".wb-target-chart .gtitle").wait_for(timeout=RENDER_TIMEOUT_MS)
                page_ready_s = time.perf_counter() - started
                samples = measure(page, arguments.releases)
                browser.close()
        finally:
            server.stop()

    share = statistics.median(sample["share_ms"] for sample in samples)
    total = statistics.median(sample["total_ms"] for sample in samples)
    chart = statistics.median(sample["chart_ms"] for sample in samples)
    print(json.dumps({
        "benchmark": "target_slider",
        "releases": len(samples),
        "median_ms_release_to_total": round(total, 1),
        "median_ms_release_to_chart": round(chart, 1),
        "median_ms_reference_share_label": round(share, 1),
        "ratio_chart_to_reference": round(chart / share, 2) if share > 0 else None,
        "max_ms_release_to_chart": round(max(sample["chart_ms"] for sample in samples), 1),
        "page_ready_s": round(page_ready_s, 1),
        "aim_ms": 300,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }, indent=2))


if __name__ == "__main__":
    main()
