"""A wheel built from the checkout runs on its own: init, demo and serve from any directory, with no checkout.

The wheel is installed into a fresh virtual environment outside the checkout
whose dependencies come from this one (a ``.pth`` line; the editable install's
finder is not loaded that way), so what runs is the wheel's copy of the
package, with the templates, migrations, workflows, static files and compiled
catalogues it carries. What the commands write (the secret key, the database)
lands in ``instance/`` of the directory they ran in, never in the venv.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[2]
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "*.mo", "instance", "test-artifacts"
)
STARTUP_WAIT = 120  # seconds: gunicorn, a web process and the worker on a loaded machine


def _environment() -> dict[str, str]:
    """This process's environment without the settings and paths of the checkout's tests."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV")
    return {key: value for key, value in os.environ.items() if not key.startswith("TICKETING_") and key not in drop}


def _run(*command: str | Path, cwd: Path) -> str:
    """Run ``command`` in ``cwd``, never the checkout: ``python -c`` would import the package from there."""
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=_environment(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv with the wheel built from a copy of the checkout installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCES)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", work / "dist", source, cwd=work)
    (wheel,) = (work / "dist").glob("ticketing-*.whl")
    venv.create(work / "venv", with_pip=False)
    python = work / "venv" / "bin" / "python"
    purelib = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work).strip())
    ours = [path for path in sys.path if Path(path).name in ("site-packages", "dist-packages")]
    (purelib / "dependencies.pth").write_text("".join(f"{path}\n" for path in ours), encoding="utf-8")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--ignore-installed", wheel, cwd=work)
    return python.parent


def _written(folder: Path) -> set[Path]:
    """The files and folders under ``folder``, but the bytecode Python may cache as it imports."""
    return {path for path in folder.rglob("*") if path.name != "__pycache__" and path.suffix != ".pyc"}


@pytest.fixture(scope="module")
def venv_before(installed: Path) -> set[Path]:
    """What the fresh venv holds before any command ran (a module fixture: set up before ``served``)."""
    return _written(installed.parent)


def _chinese(msgid: str) -> str:
    """The Chinese catalogue's translation of ``msgid``, read from the checkout's sources."""
    with (CHECKOUT / "ticketing/web/translations/zh_Hans/LC_MESSAGES/messages.po").open("rb") as po:
        translation = read_po(po, locale="zh_Hans")[msgid].string
    assert isinstance(translation, str) and translation
    return translation


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": "zh-CN"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    """``ticketing init``, ``demo --load-only``, then ``serve``, run in an empty directory; yields the base URL."""
    _run(installed / "ticketing", "init", cwd=tmp_path)
    assert "demo" in _run(installed / "ticketing", "demo", "--load-only", cwd=tmp_path)
    port = _free_port()
    server = subprocess.Popen(
        [installed / "ticketing", "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the worker it starts is stopped with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_WAIT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"ticketing serve exited with {server.returncode}"
        try:
            _get(f"{base}/healthz")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"ticketing serve did not answer within {STARTUP_WAIT} s")


def test_the_installed_package_is_the_wheels_with_its_resources(installed: Path, tmp_path: Path) -> None:
    script = (
        "import json, ticketing, ticketing.deploy.resources as r; "
        "print(json.dumps({'package': ticketing.__file__, **{name: str(getattr(r, name)) for name in "
        "('WORKFLOWS', 'TEMPLATES', 'MIGRATIONS', 'STATIC', 'TRANSLATIONS')}}))"
    )
    found = json.loads(_run(installed / "python", "-c", script, cwd=tmp_path))
    paths = {name: Path(path) for name, path in found.items()}
    for path in paths.values():
        assert path.is_relative_to(installed.parent), path
        assert not path.is_relative_to(CHECKOUT), path
    assert {path.name for path in paths["WORKFLOWS"].glob("*.toml")} == {
        path.name for path in (CHECKOUT / "workflows").glob("*.toml")
    }
    assert (paths["MIGRATIONS"] / "env.py").is_file()
    assert {path.parent.parent.name for path in paths["TRANSLATIONS"].glob("*/LC_MESSAGES/messages.mo")} == {
        "zh_Hans",
        "en",
    }


def test_init_demo_and_serve_run_from_any_directory(
    venv_before: set[Path], installed: Path, served: str, tmp_path: Path
) -> None:
    status, home = _get(f"{served}/")
    assert status == 200
    assert _chinese("Community grid service") in home.decode()  # the compiled catalogue, not the English msgid

    status, page = _get(f"{served}/status")
    assert status == 200
    assert _chinese("current") in page.decode()  # the wheel's migrations brought the schema to head

    status, stylesheet = _get(f"{served}/static/app.css")
    assert status == 200
    assert stylesheet == (CHECKOUT / "ticketing/web/static/app.css").read_bytes()

    data = tmp_path / "instance"  # TICKETING_DATA_DIR's default, under the directory the commands ran in
    assert (data / "secret_key").is_file() and (data / "secret_key").stat().st_mode & 0o077 == 0
    assert (data / "ticketing.sqlite3").is_file()
    # Nothing in the installed package (no secret_key, no uploads/), elsewhere in site-packages, or <venv>/var
    # (Flask's default instance folder for an installed package).
    assert sorted(_written(installed.parent) - venv_before) == []
