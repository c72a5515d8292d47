"""Chapter 00 in a real browser: JupyterLab + Debian's Chromium, driven by Playwright.

The test serves a *copy* of the chapter from a temporary directory (the repository's
notebook is never modified), runs Run -> Run All Cells, then presses ArrowRight once on
the replicas slider of the chapter's scale widget and waits until the status line shows
the new replica count with every replica ready.

The widget contract the chapter follows:

* an ipywidgets box with CSS class ``k8slab-scale`` containing
* an ``IntSlider`` (the replicas of Deployment "web"), and
* an ``ipywidgets.HTML`` with CSS class ``k8slab-status`` whose text contains
  ``replicas=N ready=M``.

Other notebooks following the same contract can be checked by pointing
``K8SLAB_BROWSER_NOTEBOOK`` at them (one path, or several separated by ``os.pathsep``).

Chromium is Debian's ``/usr/bin/chromium`` (override with ``K8SLAB_CHROMIUM``); Playwright
never downloads a browser here. When ``CI`` is set, a missing browser or Playwright is a
failure, not a skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOK = REPO / "notebooks" / "00_container_orchestration.ipynb"
CHROMIUM = os.environ.get("K8SLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Generous limits: CI runs this next to nbval kernels on two cores.
SERVER_START_S = 90
KERNEL_IDLE_S = 120
RUN_ALL_S = 600
WIDGET_UPDATE_S = int(os.environ.get("K8SLAB_WIDGET_TIMEOUT", 120))

STATUS_RE = re.compile(r"replicas=(\d+)\s+ready=(\d+)")


def _notebooks() -> list[Path]:
    raw = os.environ.get("K8SLAB_BROWSER_NOTEBOOK")
    if not raw:
        return [DEFAULT_NOTEBOOK]
    return [Path(p).resolve() for p in raw.split(os.pathsep) if p]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    """Fail in CI (nothing is skipped there); skip with the reason elsewhere."""
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings for a quiet, fully rendered notebook page.

    No "official Jupyter news?" toast over the notebook, and every cell kept in the
    DOM (no windowing) so the test can see all prompts and outputs.
    """
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
            "windowingMode": "none",
        },
    }
    for rel, data in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))


class LabServer:
    def __init__(self, proc: subprocess.Popen, port: int, token: str, log: Path):
        self.proc, self.port, self.token, self.log = proc, port, token, log
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}?token={self.token}"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no server log)"


@contextlib.contextmanager
def jupyter_lab(root_dir: Path, work_dir: Path) -> Iterator[LabServer]:
    """Run JupyterLab from this Python on a free 127.0.0.1 port; always torn down."""
    token = secrets.token_hex(16)
    port = _free_port()
    settings = work_dir / "lab-settings"
    _write_lab_settings(settings)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(work_dir / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(work_dir / "jupyter-runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(work_dir / "lab-workspaces"),
        PYTHONUNBUFFERED="1",
    )
    log = work_dir / "jupyter-lab.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
    ]
    with open(log, "wb") as log_f:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log_f, stderr=subprocess.STDOUT,
            env=env, cwd=root_dir, start_new_session=True,
        )
    server = LabServer(proc, port, token, log)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {proc.returncode} before answering:\n"
                    + server.log_tail()
                )
            try:
                with urllib.request.urlopen(server.url("/api/status"), timeout=5) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"jupyter lab did not answer within {SERVER_START_S}s:\n"
                    + server.log_tail()
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop(server)


def _stop(server: LabServer) -> None:
    """Ask the server to shut down (which stops its kernels), then insist."""
    proc = server.proc
    if proc.poll() is None:
        with contextlib.suppress(Exception):
            req = urllib.request.Request(server.url("/api/shutdown"), method="POST")
            urllib.request.urlopen(req, timeout=5).close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright (never a Playwright-downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        _unavailable(f"playwright is not installed ({exc}); pip install -e '.[test]'")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(
            f"{CHROMIUM} not found; install Debian's chromium with "
            "`apt-get install -y --no-install-recommends chromium` (make test does this as root)"
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# Counts code cells by their prompt: "[*]:" queued/running, "[n]:" done, "[ ]:" not run
# (empty cells are not counted: JupyterLab never gives them a number).
_CELL_STATE_JS = """
() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  let pending = 0, done = 0, notRun = 0;
  for (const c of cells) {
    const p = (c.querySelector('.jp-InputPrompt')?.textContent || '').trim();
    const src = (c.querySelector('.jp-InputArea-editor')?.textContent || '').trim();
    if (p.includes('*')) pending++;
    else if (/\\[\\d+\\]/.test(p)) done++;
    else if (src) notRun++;
  }
  const errors = [...document.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent).filter(t => t.includes('Traceback'));
  return {cells: cells.length, pending, done, notRun, errors};
}
"""


def _kernel_idle(page):
    return page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle\s*$"))


def _wait_until(predicate, timeout_s: float, what: str, interval_s: float = 0.25):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        ok, last = predicate()
        if ok:
            return last
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}; last seen: {last}")


def _menu(page, menu: str, item: str) -> None:
    """Click menu bar entry `menu`, then its item labelled exactly `item`."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$"))
    page.locator(".lm-Menu .lm-Menu-item").filter(has=label).click()


def _run_all_cells(page) -> None:
    """Edit -> Clear Outputs of All Cells, then Run -> Run All Cells, and wait for the end.

    Clearing first drops the outputs and execution counts stored in the notebook (nbval
    keeps them there), so every "[n]:" seen afterwards comes from this run and no stale
    widget view can be mistaken for the live one.
    """
    cells = lambda: page.evaluate(_CELL_STATE_JS)  # noqa: E731
    _menu(page, "Edit", "Clear Outputs of All Cells")
    _wait_until(lambda: ((s := cells())["done"] == 0 and s["pending"] == 0, s), 30,
                "the stored outputs to be cleared")

    _menu(page, "Run", "Run All Cells")
    _wait_until(lambda: ((s := cells())["pending"] > 0 or s["done"] > 0, s), 30,
                "Run All Cells to start")

    # Finished: nothing queued or running, the kernel Idle, and the same on the next look.
    idle = _kernel_idle(page)
    previous: dict = {}

    def finished():
        nonlocal previous
        s = cells()
        settled = s["pending"] == 0 and idle.count() > 0 and s == previous
        previous = s
        return settled, s

    s = _wait_until(finished, RUN_ALL_S, "all cells to finish", interval_s=0.5)
    if s["notRun"]:
        tracebacks = "\n\n".join(s["errors"]) or "(no traceback on the page)"
        raise AssertionError(
            f"Run All stopped early: {s['notRun']} code cell(s) did not run "
            f"({s['done']} ran). A cell that raises on purpose needs the "
            f"'raises-exception' tag to let Run All continue.\n{tracebacks}"
        )


def _replicas_slider(scale):
    """The replicas slider in the scale box: labelled 'replica…' if several, else the first."""
    sliders = scale.locator(".widget-slider")
    labelled = sliders.filter(has=scale.page.locator(".widget-label", has_text=re.compile("replica", re.I)))
    chosen = labelled.first if labelled.count() else sliders.first
    return chosen.locator(".noUi-handle").first


def check_scale_widget(page, server: LabServer, notebook_name: str) -> tuple[int, int]:
    """Open, Run All, press ArrowRight on the replicas slider; return (before, after)."""
    page.goto(server.url(f"/lab/tree/{notebook_name}"))
    # A notebook without a usable kernelspec asks which kernel to use: accept the default.
    select = page.locator(".jp-Dialog .jp-mod-accept")
    idle = _kernel_idle(page)
    deadline = time.monotonic() + KERNEL_IDLE_S
    while not idle.count():
        if select.count():
            select.first.click()
        if time.monotonic() > deadline:
            raise AssertionError(f"kernel not Idle within {KERNEL_IDLE_S}s")
        time.sleep(0.25)

    _run_all_cells(page)

    scale = page.locator(".k8slab-scale").first
    scale.wait_for(state="visible", timeout=WIDGET_UPDATE_S * 1000)
    status = scale.locator(".k8slab-status").first
    status.wait_for(state="visible", timeout=WIDGET_UPDATE_S * 1000)

    def status_counts():
        m = STATUS_RE.search(status.inner_text())
        return (m is not None), (tuple(map(int, m.groups())) if m else status.inner_text())

    before, ready_before = _wait_until(
        status_counts, WIDGET_UPDATE_S, "the k8slab-status text to show 'replicas=N ready=M'"
    )
    handle = _replicas_slider(scale)
    handle.scroll_into_view_if_needed()
    vmax = handle.get_attribute("aria-valuemax")
    if vmax is not None and float(vmax) <= before:
        raise AssertionError(f"replicas slider is already at its maximum ({vmax}); cannot step up")
    handle.press("ArrowRight")

    want = before + 1

    def scaled():
        ok, counts = status_counts()
        return ok and counts == (want, want), counts

    _wait_until(
        scaled, WIDGET_UPDATE_S,
        f"'replicas={want} ready={want}' after one ArrowRight "
        f"(started at replicas={before} ready={ready_before})",
    )
    return before, want


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.name)
def test_scale_widget_in_browser(notebook: Path, browser, tmp_path: Path) -> None:
    assert notebook.is_file(), f"notebook not found: {notebook}"
    root = tmp_path / "lab-root"
    root.mkdir()
    shutil.copy2(notebook, root / notebook.name)

    with jupyter_lab(root, tmp_path) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        page.set_default_timeout(60_000)
        try:
            before, after = check_scale_widget(page, server, notebook.name)
            print(f"{notebook.name}: replicas {before} -> {after}, all ready")
        except Exception as exc:
            shot = tmp_path / f"{notebook.stem}-failure.png"
            with contextlib.suppress(Exception):
                page.screenshot(path=str(shot), full_page=True)
            detail = (
                f"screenshot: {shot}\n"
                f"browser console errors:\n  " + "\n  ".join(console[-20:] or ["(none)"]) + "\n"
                f"jupyter lab log (tail):\n{server.log_tail()}"
            )
            if isinstance(exc, AssertionError):
                raise AssertionError(f"{exc}\n{detail}") from None
            raise RuntimeError(f"{type(exc).__name__}: {exc}\n{detail}") from exc
        finally:
            with contextlib.suppress(Exception):
                context.close()
