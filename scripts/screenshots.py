"""Screenshots of the showcase pages (tests/e2e/showcase.py) in both languages at 1,366 and
390 px, of a fresh demo site on a scratch SQLite database. Run through scripts/screenshots."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.e2e.showcase import WIDTHS, showcase_urls  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env):
    # Our own manage.py with fixed arguments.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def wait_until_up(url, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The development server stopped before answering.")
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310 (our own http URL)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"No answer from {url} within {seconds} s.")


def take_screenshots(base_url, out_dir):
    from playwright.sync_api import sync_playwright

    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for width_name, width in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": 900}, locale="en-GB",
                timezone_id="Asia/Shanghai", device_scale_factor=1,
            )
            page = context.new_page()
            for name, path in showcase_urls():
                page.goto(base_url + path, wait_until="networkidle")
                # Scroll through once so that lazily loaded images are in the full-page shot.
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_load_state("networkidle")
                page.evaluate("window.scrollTo(0, 0)")
                target = out_dir / f"{name}-{width_name}.png"
                page.screenshot(path=target, full_page=True)
                taken.append(target)
            context.close()
        browser.close()
    return taken


def main():
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "screenshots").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{scratch}/screenshots.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{scratch}/media",
            "DJANGO_SITE_URL": base_url,
            "DJANGO_RUNSERVER_HIDE_WARNING": "true",
            "REDIS_URL": "",
        }
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        manage("loaddemo", "--verbosity", "0", env=env)
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "runserver", "--noreload", "--verbosity", "0",
             f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url, server)
            taken = take_screenshots(base_url, out_dir)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{len(taken)} screenshots in {out_dir}")


if __name__ == "__main__":
    main()
