"""The production stack, proven on one machine (run it through scripts/stack-test).

Starts its own nginx (deploy/nginx/*.conf with its own ports, paths and a self-signed
certificate), its own redis-server (deploy/redis.conf on a free port) and two gunicorn instances
of the portal (deploy/gunicorn.conf.py, DJANGO_DEBUG=0) on one throwaway database on the
machine's PostgreSQL, loads the demo, and checks through nginx what a visitor and an operator
rely on. It prints one line per check and `N passed, M failed`; exit status 0 only if all held.

Everything it starts it stops again, by PID (process groups), on any exit; the throwaway
databases are dropped. The machine's own PostgreSQL and Redis are never stopped (PostgreSQL is
started if it is down, as .ci/run does). Only 127.0.0.1 is contacted.

Environment: STACK_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432, a user who may
create databases), STACK_TEST_DB_PREFIX (default lifevalley_stack), STACK_TEST_KEEP=1 to keep
the temporary folder (logs, configs) for reading afterwards.
"""

import atexit
import concurrent.futures
import html.parser
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
POSTGRES = os.environ.get("STACK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_PREFIX = os.environ.get("STACK_TEST_DB_PREFIX", "lifevalley_stack")
ADMIN_USER, ADMIN_PASSWORD = "stackadmin", "stack-" + secrets.token_hex(8)
STARTED = time.monotonic()

# Debian packages that provide the commands the stack needs.
PACKAGES = {
    "nginx": "nginx",
    "redis-server": "redis-server",
    "psql": "postgresql-client",
    "pg_dump": "postgresql-client",
    "pg_restore": "postgresql-client",
    "pg_isready": "postgresql-client",
    "pg_ctlcluster": "postgresql",
    "openssl": "openssl",
}


def say(text):
    print(f"   {time.monotonic() - STARTED:5.1f}s  {text}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*command, env=None, check=True, timeout=300, **kwargs):
    result = subprocess.run(  # noqa: S603 (our own commands, no shell)
        [str(part) for part in command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return result


def tcp_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


# HTTP ---------------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (lower-case name, value)
        self.body = body

    def header(self, name, default=None):
        for key, value in self.headers:
            if key == name.lower():
                return value
        return default

    def all(self, name):
        return [value for key, value in self.headers if key == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Browser:
    """A visitor: cookies, CSRF, one fresh TCP connection a request (to 127.0.0.1 only)."""

    def __init__(self, port, *, tls_context=None, host=None):
        self.port = port
        self.tls_context = tls_context
        self.host = host or f"localhost:{port}"
        self.cookies = {}

    @property
    def origin(self):
        return f"{'https' if self.tls_context else 'http'}://{self.host}"

    def request(self, method, path, *, body=None, headers=None, timeout=20):
        if self.tls_context:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=self.tls_context, timeout=timeout
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        all_headers = {"Host": self.host, "User-Agent": "lifevalley-stack-test"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body, doseq=True).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Origin"] = self.origin
            all_headers["Referer"] = self.origin + path
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(
                raw.status, [(k.lower(), v) for k, v in raw.getheaders()], raw.read()
            )
        finally:
            connection.close()
        for cookie in response.all("set-cookie"):
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, body=data, **kwargs)


class FormParser(html.parser.HTMLParser):
    """The fields of one <form> (by id), as a browser would submit them."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(page_html, form_id):
    parser = FormParser(form_id)
    parser.feed(page_html)
    # Django renders textareas with a leading newline that browsers drop.
    return [(k, v[1:] if v.startswith("\n") else v) for k, v in parser.fields]


def hidden_value(page_html, name):
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page_html)
    return match.group(1) if match else ""


def ical_uids_and_sequences(body):
    """{UID: SEQUENCE} of a calendar, read from its unfolded lines."""
    text = re.sub(r"\r?\n[ \t]", "", body.decode())
    pairs = {}
    for block in re.findall(r"BEGIN:VEVENT(.*?)END:VEVENT", text, re.S):
        uid = re.search(r"^UID:(.*)$", block, re.M).group(1).strip()
        sequence = re.search(r"^SEQUENCE:(\d+)", block, re.M)
        pairs[uid] = int(sequence.group(1)) if sequence else 0
    return pairs


# The stack ----------------------------------------------------------------------------------


class Stack:
    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="lifevalley-stack-"))
        # nginx's workers run as nobody when started by root: they must read static and media.
        self.tmp.chmod(0o755)
        self.processes = {}  # name -> Popen, each leading its own process group
        self.databases = []
        self.ports = {}
        suffix = f"{os.getpid()}_{secrets.token_hex(3)}"
        self.db_name = f"{DB_PREFIX}_{suffix}"
        self.restored_db_name = f"{DB_PREFIX}_{suffix}_restored"
        self.secret_key = secrets.token_urlsafe(50)

    # Processes

    def start(self, name, command, *, env=None, log=None):
        log_file = open(log or self.tmp / f"{name}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 (our own commands, no shell)
            [str(part) for part in command],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole, by PID
        )
        log_file.close()
        self.processes[name] = process
        self._write_pidfile()
        return process

    def _write_pidfile(self):
        """The process groups still running, for scripts/stack-test's EXIT trap (a backstop
        if this process dies without its own cleanup)."""
        pidfile = os.environ.get("STACK_TEST_PIDFILE")
        if pidfile:
            Path(pidfile).write_text("".join(f"{p.pid}\n" for p in self.processes.values()))

    def stop(self, name, sig=signal.SIGTERM, timeout=15):
        process = self.processes.pop(name, None)
        if process is None:
            return
        self._write_pidfile()
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def cleanup(self):
        for name in list(self.processes):
            self.stop(name)
        for database in self.databases:
            self.psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', check=False)
        if os.environ.get("STACK_TEST_KEEP") == "1":
            print(f"   kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # Machine services

    def install_missing_packages(self):
        missing = sorted(
            {package for command, package in PACKAGES.items() if not shutil.which(command)}
        )
        if not missing:
            return
        say(f"installing {' '.join(missing)} with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env, timeout=600)
        run("apt-get", "install", "-y", "-qq", *missing, env=env, timeout=900)

    def ensure_postgresql(self):
        if run("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", check=False).returncode:
            version = sorted(os.listdir("/etc/postgresql"))[0]
            say(f"PostgreSQL is down: starting cluster {version}/main")
            run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
            wait_for(
                lambda: run("pg_isready", "-q", "-h", "127.0.0.1", check=False).returncode == 0,
                "PostgreSQL",
            )

    def psql(self, sql, *, database="postgres", check=True):
        return run(
            "psql", f"--dbname={POSTGRES}/{database}", "-v", "ON_ERROR_STOP=1",
            "-qtAc", sql, check=check,
            env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"},
        )

    def create_database(self, name):
        self.databases.append(name)
        self.psql(f'CREATE DATABASE "{name}"')

    # Our own services

    def start_redis(self):
        port = self.ports.setdefault("redis", free_port())
        (self.tmp / "redis").mkdir(exist_ok=True)
        self.start(
            "redis",
            ["redis-server", ROOT / "deploy" / "redis.conf", "--port", port,
             "--dir", self.tmp / "redis", "--daemonize", "no", "--logfile", ""],
        )
        wait_for(lambda: tcp_open(port), "redis-server")

    def app_env(self, *, database=None, media=None, redis=True):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "DJANGO_SITE_URL": f"https://localhost:{self.ports['https']}",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://localhost:{self.ports['https']}",
            "DATABASE_URL": f"{POSTGRES}/{database or self.db_name}",
            "DJANGO_DATA_DIR": str(self.tmp / "data"),
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(media or self.tmp / "media"),
            "DJANGO_LOG_FORMAT": "json",
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            # Two sync workers per instance: two cores are shared with everything else.
            "GUNICORN_WORKERS": "2",
        }
        env.pop("REDIS_URL", None)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if redis:
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.ports['redis']}/0"
        return env

    def manage(self, *args, env=None, **kwargs):
        return run(PYTHON, "manage.py", *args, env=env or self.app_env(), **kwargs)

    def start_app(self, name, **env_options):
        port = self.ports.setdefault(name, free_port())
        metrics_dir = self.tmp / f"metrics-{name}"
        metrics_dir.mkdir(exist_ok=True)
        env = {**self.app_env(**env_options), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        self.start(
            name,
            [GUNICORN, "-c", ROOT / "deploy" / "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "lifevalley.wsgi"],
            env=env,
        )
        direct = Browser(port, host="127.0.0.1")
        wait_for(lambda: self._healthy(direct), f"gunicorn {name}", timeout=60)

    def _healthy(self, browser):
        try:
            return browser.get("/healthz", timeout=2).status == 200
        except OSError:
            return False

    def make_certificate(self):
        run(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", self.tmp / "tls.key", "-out", self.tmp / "tls.crt",
        )
        context = ssl.create_default_context(cafile=str(self.tmp / "tls.crt"))
        return context

    def nginx_site(self, name, upstreams, https_port, http_port, media_root):
        """deploy/nginx/lifevalley.conf with this run's ports and paths (each must be there)."""
        site = (ROOT / "deploy" / "nginx" / "lifevalley.conf").read_text()
        proxy = (ROOT / "deploy" / "nginx" / "lifevalley-proxy.conf").read_text()
        proxy_path = self.tmp / f"{name}-proxy.conf"
        proxy_path.write_text(proxy)
        replacements = [
            ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} "),
            ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} "),
            ("upstream lifevalley_app", f"upstream {name}_app"),
            ("zone=lifevalley_search:", f"zone={name}_search:"),
            ("zone=lifevalley_feeds:", f"zone={name}_feeds:"),
            ("zone=lifevalley_search ", f"zone={name}_search "),
            ("zone=lifevalley_feeds ", f"zone={name}_feeds "),
            ("shared:lifevalley_tls:", f"shared:{name}_tls:"),
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("server_name lifevalley.example.com;", "server_name localhost;"),
            ("/etc/ssl/certs/lifevalley.crt", str(self.tmp / "tls.crt")),
            ("/etc/ssl/private/lifevalley.key", str(self.tmp / "tls.key")),
            ("/srv/lifevalley/staticfiles/", f"{self.tmp / 'static'}/"),
            ("/srv/lifevalley/data/media/renditions/", f"{media_root}/renditions/"),
            ("/etc/nginx/lifevalley-proxy.conf", str(proxy_path)),
        ]
        for old, new in replacements:
            if old not in site:
                raise RuntimeError(f"deploy/nginx/lifevalley.conf no longer contains {old!r}")
            site = site.replace(old, new)
        proxy_path.write_text(proxy.replace("lifevalley_app", f"{name}_app"))
        return site

    def start_nginx(self, name, upstreams, media_root):
        https_port = self.ports.setdefault(f"{name}-https", free_port())
        http_port = self.ports.setdefault(f"{name}-http", free_port())
        prefix = self.tmp / name
        prefix.mkdir(exist_ok=True)
        site_path = self.tmp / f"{name}-site.conf"
        site_path.write_text(self.nginx_site(name, upstreams, https_port, http_port, media_root))
        temp_paths = "\n".join(
            f"    {kind}_temp_path {prefix / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.tmp / f"{name}.conf").write_text(
            f"""daemon off;
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {self.tmp / f'{name}-error.log'} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {self.tmp / f'{name}-access.log'};
{temp_paths}
    include {site_path};
}}
"""
        )
        run("nginx", "-t", "-q", "-p", prefix, "-e", self.tmp / f"{name}-error.log",
            "-c", self.tmp / f"{name}.conf")
        self.start(
            name,
            ["nginx", "-p", prefix, "-e", self.tmp / f"{name}-error.log",
             "-c", self.tmp / f"{name}.conf"],
        )
        wait_for(lambda: tcp_open(https_port), "nginx")
        return https_port, http_port

    # Which instance served a request: its X-Request-ID (nginx's $request_id) in that
    # instance's JSON log.

    def served_by(self, response, names=("a", "b")):
        request_id = response.header("x-request-id")
        if not request_id:
            return None
        needle = f'"request_id": "{request_id}"'
        for name in names:
            log = self.tmp / f"{name}.log"
            if log.exists() and needle in log.read_text(errors="replace"):
                return name
        return None

    def log_entry(self, response, name):
        needle = f'"request_id": "{response.header("x-request-id")}"'
        for line in (self.tmp / f"{name}.log").read_text(errors="replace").splitlines():
            if needle in line and '"status"' in line:
                return json.loads(line)
        return None


# Checks -------------------------------------------------------------------------------------


class Checks:
    def __init__(self, stack, tls):
        self.stack = stack
        self.tls = tls
        self.https = stack.ports["nginx-https"]
        self.results = []

    def browser(self):
        return Browser(self.https, tls_context=self.tls)

    def check(self, name, function):
        started = time.monotonic()
        try:
            ok, detail = function()
        except Exception as error:  # a check that crashes has failed, the others still run
            ok, detail = False, f"{type(error).__name__}: {error}"
        self.results.append(ok)
        print(
            f"{'PASS' if ok else 'FAIL'}  {name}: {detail} ({time.monotonic() - started:.1f}s)",
            flush=True,
        )

    # Visitor

    def pages(self):
        visitor = self.browser()
        home = visitor.get("/")
        paths = ["/", "/zones/", "/directory/", "/events/", "/events/past/", "/search/?q=beigene",
                 "/zh-hans/", "/zh-hans/directory/", "/sitemap.xml", "/robots.txt"]
        for listing, pattern in (("/zones/", r'href="(/zones/[a-z0-9-]+/)"'),
                                 ("/directory/", r'href="(/directory/[a-z0-9-]+/)"'),
                                 ("/events/", r'href="(/events/[a-z0-9-]+/)"')):
            found = re.findall(pattern, visitor.get(listing).text)
            if not found:
                return False, f"no detail link on {listing}"
            paths.append(found[0])
        bad = []
        for path in paths:
            response = visitor.get(path)
            if response.status != 200:
                bad.append(f"{path} {response.status}")
        gzip = visitor.get("/", headers={"Accept-Encoding": "gzip"}).header("content-encoding")
        self.detail_paths = paths[-3:]
        if bad or home.status != 200:
            return False, "not 200: " + ", ".join(bad)
        if gzip != "gzip":
            return False, f"HTML not compressed (Content-Encoding {gzip})"
        return True, f"{len(paths)} pages 200 through nginx (HTML gzip-compressed)"

    def feeds(self):
        visitor = self.browser()
        problems = []
        for path in ("/events/feed.ics", "/zh-hans/events/feed.ics", "/events/feed.atom"):
            response = visitor.get(path, headers={"Accept-Encoding": "gzip"})
            kind = response.header("content-type", "")
            if response.status != 200:
                problems.append(f"{path} {response.status}")
            elif path.endswith(".ics"):
                if not kind.startswith("text/calendar") or not response.body.startswith(
                    b"BEGIN:VCALENDAR"
                ):
                    problems.append(f"{path} is {kind}")
                if response.header("content-encoding"):
                    problems.append(f"{path} compressed ({response.header('content-encoding')})")
            elif "atom" not in kind:
                problems.append(f"{path} is {kind}")
        if problems:
            return False, "; ".join(problems)
        return True, "iCal (en, zh-hans) 200 text/calendar uncompressed; Atom 200"

    def static_files(self):
        visitor = self.browser()
        css = re.search(r'href="(/static/[^"]+\.css)"', visitor.get("/").text)
        if not css:
            return False, "no stylesheet link on the home page"
        response = visitor.get(css.group(1), headers={"Accept-Encoding": "gzip"})
        max_age = re.search(r"max-age=(\d+)", response.header("cache-control", ""))
        if response.status != 200:
            return False, f"{css.group(1)} {response.status}"
        if not max_age or int(max_age.group(1)) < 31536000:
            return False, f"Cache-Control {response.header('cache-control')}"
        if response.header("x-request-id"):
            return False, "served by the app, not by nginx"
        if response.header("content-encoding") != "gzip":
            return False, "no precompressed .gz served"
        return True, (f"{css.group(1)} by nginx, {response.header('cache-control')}, "
                      "precompressed gzip")

    def renditions(self):
        visitor = self.browser()
        page = visitor.get("/directory/").text
        urls = sorted(set(re.findall(r"(/media/renditions/[^\s\"',]+)", page)))
        if not urls:
            return False, "no rendition URL on /directory/"
        for url in urls[:6]:
            response = visitor.get(url)
            if response.status != 200 or not response.header("content-type", "").startswith(
                "image/"
            ):
                return False, f"{url} {response.status} {response.header('content-type')}"
        originals = json.loads(self.stack.manage(
            "shell", "-c",
            "import json; from directory.models import Organisation; print(json.dumps("
            "[o.logo.name for o in Organisation.objects.exclude(logo='')]))",
        ).stdout.strip().splitlines()[-1])
        if not originals:
            return False, "the demo has no logos"
        original = originals[0]
        if not (self.stack.tmp / "media" / original).exists():
            return False, f"original {original} not stored"
        response = visitor.get("/media/" + original)
        if response.status != 404:
            return False, f"original /media/{original} answered {response.status}"
        listing = visitor.get("/media/renditions/").status
        if listing != 404 and listing != 403:
            return False, f"/media/renditions/ listing answered {listing}"
        return True, (f"{min(len(urls), 6)} renditions 200 image/*; original /media/{original} "
                      "404 (stored on disk)")

    def https_follows_proxy(self):
        visitor = self.browser()
        plain = Browser(self.stack.ports["nginx-http"]).get("/directory/")
        if plain.status != 301 or not plain.header("location", "").startswith("https://"):
            return False, f"http:// answered {plain.status} {plain.header('location')}"
        login = visitor.get("/admin/login/")
        if login.status != 200:
            return False, f"https /admin/login/ answered {login.status} (redirect loop?)"
        csrf = [c for c in login.all("set-cookie") if c.startswith("csrftoken=")]
        if not csrf or "Secure" not in csrf[0]:
            return False, f"csrftoken cookie not Secure: {csrf}"
        if "max-age" not in visitor.get("/").header("strict-transport-security", ""):
            return False, "no HSTS header over https"
        direct = Browser(self.stack.ports["a"], host="localhost").get("/directory/")
        if direct.status != 301 or not direct.header("location", "").startswith("https://"):
            return False, f"app without X-Forwarded-Proto answered {direct.status}"
        robots = visitor.get("/robots.txt").text
        sitemap = re.search(r"^Sitemap: (\S+)", robots, re.M)
        if not sitemap or not sitemap.group(1).startswith("https://"):
            return False, f"robots.txt Sitemap line: {sitemap and sitemap.group(1)}"
        return True, ("http:// -> 301 https; https pages 200 with Secure csrftoken cookie and "
                      "HSTS; absolute links https://; the app alone redirects plain http")

    def request_ids_and_logs(self):
        response = self.browser().get("/events/", headers={"X-Request-ID": "spoofed-by-client"})
        request_id = response.header("x-request-id", "")
        if not re.fullmatch(r"[0-9a-f]{32}", request_id):
            return False, f"X-Request-ID {request_id!r} is not nginx's"
        instance = self.stack.served_by(response)
        if instance is None:
            return False, "request id not in either instance's log"
        entry = self.stack.log_entry(response, instance)
        wanted = {"time", "level", "request_id", "method", "path", "status", "duration_ms"}
        if not entry or not wanted <= set(entry):
            return False, f"log line lacks {wanted - set(entry or {})}"
        if (entry["path"], entry["status"], entry["method"]) != ("/events/", 200, "GET"):
            return False, f"log line says {entry}"
        gunicorn_lines = [
            line for line in (self.stack.tmp / "a.log").read_text().splitlines()
            if '"logger": "gunicorn.error"' in line
        ]
        for line in gunicorn_lines:
            json.loads(line)
        if not gunicorn_lines:
            return False, "gunicorn's own messages are not JSON lines"
        return True, (f"X-Request-ID {request_id[:8]}… from nginx, logged by instance "
                      f"{instance.upper()} as JSON ({entry['duration_ms']} ms); gunicorn logs JSON")

    def metrics_private(self):
        through_proxy = self.browser().get("/metrics")
        if through_proxy.status != 404:
            return False, f"nginx publishes /metrics ({through_proxy.status})"
        body = Browser(self.stack.ports["a"], host="127.0.0.1").get("/metrics").text
        wanted = ["django_http_requests_total_by_method_total",
                  "django_http_responses_total_by_status_total",
                  "django_cache_get_hits_total", "django_cache_get_misses_total",
                  "lifevalley_feed_builds_total"]
        missing = [name for name in wanted if name not in body]
        if missing:
            return False, f"instance /metrics lacks {missing}"
        builds = re.search(r"^lifevalley_feed_builds_total (\S+)", body, re.M)
        return True, (f"404 through nginx; instance A's /metrics has requests, statuses, cache "
                      f"hits/misses, feed builds ({builds.group(1) if builds else '?'}), "
                      "summed over its workers")

    # Staff

    def admin_login(self, browser, password=ADMIN_PASSWORD, token=None):
        """Log in through the admin form (its page first, unless a CSRF token is given)."""
        if token is None:
            token = self.login_token(browser)
        return browser.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token,
             "username": ADMIN_USER, "password": password, "next": "/admin/"},
        )

    def login_token(self, browser):
        page = browser.get("/admin/login/?next=/admin/").text
        return hidden_value(page, "csrfmiddlewaretoken")

    def edit_reaches_other_instance(self):
        staff = self.browser()
        login = self.admin_login(staff)
        if login.status != 302:
            return False, f"admin login answered {login.status}"
        session = [c for c in login.all("set-cookie") if c.startswith("sessionid=")]
        if not session or "Secure" not in session[0]:
            return False, "session cookie missing or not Secure"
        changelist = staff.get("/admin/zones/zone/").text
        change_path = re.search(r'href="(/admin/zones/zone/\d+/change/)[^"]*"', changelist)
        if not change_path:
            return False, "no zone in the admin"
        change_path = change_path.group(1)
        form = form_fields(staff.get(change_path).text, "zone_form")
        fields = dict(form)
        slug, old_name = fields.get("slug"), fields.get("name_en")
        if not slug or not old_name:
            return False, f"zone form not understood: {sorted(fields)[:8]}"
        visitor = self.browser()
        for _ in range(4):  # both instances render (and cache) the page first
            visitor.get(f"/zones/{slug}/")
            visitor.get("/zones/")
        new_name = f"Zone renamed {secrets.token_hex(3)}"
        data = [(k, new_name if k == "name_en" else v) for k, v in form] + [("_save", "Save")]
        saved = staff.post(change_path, data)
        if saved.status != 302:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.text, re.S)
            return False, f"save answered {saved.status} {errors[:2]}"
        saved_on = self.stack.served_by(saved)
        seen = {}
        for path in (f"/zones/{slug}/", "/zones/", f"/zones/{slug}/", "/zones/"):
            response = self.browser().get(path)
            instance = self.stack.served_by(response)
            fresh = response.status == 200 and new_name in response.text
            seen.setdefault(instance, []).append(fresh)
            if not fresh:
                return False, f"{path} from instance {instance} still shows the old name"
        other = {"a": "b", "b": "a"}.get(saved_on)
        if other not in seen:
            return False, f"saved on {saved_on}; no later page came from {other}: {seen}"
        return True, (f"saved through instance {saved_on.upper()}; the next visitors' zone page "
                      f"and list from {', '.join(sorted(i.upper() for i in seen if i))} show "
                      "the new name at once")

    def lockout_across_instances(self):
        limit = self.stack.manage(
            "shell", "-c",
            "from django.conf import settings; print(getattr(settings, 'AXES_FAILURE_LIMIT', 0))",
        ).stdout.strip().splitlines()[-1]
        limit = int(limit) if limit.isdigit() else 0
        if not limit:
            return False, "django-axes is not configured (no AXES_FAILURE_LIMIT)"
        # One login page, then only POSTs: nginx's round robin sends them to A and B in turn.
        attacker = self.browser()
        token = self.login_token(attacker)
        instances = []
        locked_at = None
        for attempt in range(1, 2 * limit + 2):
            response = self.admin_login(attacker, password=f"wrong-{attempt}", token=token)
            instances.append(self.stack.served_by(response))
            if response.status != 200 or "locked" in response.text.lower():
                locked_at = attempt
                break
        if locked_at is None:
            return False, f"no lock-out after {len(instances)} wrong passwords"
        failed = instances[: locked_at - 1] if locked_at > limit else instances[:locked_at]
        per_instance = {name: failed.count(name) for name in ("a", "b")}
        owner = self.browser()
        token = self.login_token(owner)
        right = [self.admin_login(owner, token=token) for _ in range(2)]
        right_instances = {self.stack.served_by(response) for response in right}
        if any(response.status == 302 for response in right):
            return False, "the right password still logs in after the lock-out"
        if max(per_instance.values()) >= limit or min(per_instance.values()) == 0:
            return False, f"attempts per instance {per_instance}, limit {limit}"
        if locked_at > limit + 1:
            return False, f"locked only after {locked_at} attempts (limit {limit})"
        self.stack.manage("axes_reset", check=False)
        refused_on = sorted(i.upper() for i in right_instances if i)
        return True, (f"locked after {limit} wrong passwords spread over A/B {per_instance}; "
                      f"right password refused on {refused_on}")

    # Operator

    def redis_down(self):
        self.stack.stop("redis")
        if tcp_open(self.stack.ports["redis"]):
            return False, "redis still listening"
        try:
            problems, instances, slowest = [], set(), 0.0
            for path in ("/", "/events/", "/events/feed.ics", "/directory/", "/admin/login/",
                         "/zones/", "/search/?q=vaccine", "/sitemap.xml"):
                started = time.monotonic()
                response = self.browser().get(path)
                slowest = max(slowest, time.monotonic() - started)
                instances.add(self.stack.served_by(response))
                if response.status != 200:
                    problems.append(f"{path} {response.status}")
            health = [
                Browser(self.stack.ports[name], host="127.0.0.1").get("/healthz").status
                for name in ("a", "b")
            ]
        finally:
            self.stack.start_redis()
        if problems:
            return False, "with Redis stopped: " + ", ".join(problems)
        if not {"a", "b"} <= instances:
            return False, f"only instances {instances} answered"
        return True, (f"with the test's Redis stopped, 8 URLs 200 from A and B (slowest "
                      f"{slowest:.2f}s), healthz {health}")

    def graceful_reload(self):
        """HUP to instance A's gunicorn master (systemctl reload): new workers, no error."""
        log = self.stack.tmp / "a.log"
        booted_before = log.read_text().count("Booting worker")
        statuses = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(lambda: self.browser().get("/events/").status)
                       for _ in range(30)]
            time.sleep(0.3)
            os.kill(self.stack.processes["a"].pid, signal.SIGHUP)
            statuses = [future.result() for future in futures]
        wait_for(lambda: log.read_text().count("Booting worker") >= booted_before + 2,
                 "new workers after HUP", timeout=30)
        wait_for(lambda: self.stack._healthy(Browser(self.stack.ports["a"], host="127.0.0.1")),
                 "instance A after HUP")
        if set(statuses) != {200}:
            return False, f"statuses during the reload: {sorted(set(statuses))}"
        return True, "HUP to A's master during 30 requests: new workers booted, all 200"

    def failover(self):
        paths = ["/", "/events/", "/directory/", "/zones/", *self.detail_paths]
        total, kill_after = 90, 30
        done = []

        def one(index):
            response = self.browser().get(paths[index % len(paths)], timeout=30)
            done.append(index)
            return response

        results = []
        killed_at = None
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(one, index) for index in range(total)]
            while killed_at is None:
                if len(done) >= kill_after:
                    killed_at = len(done)
                    self.stack.stop("b", sig=signal.SIGKILL)  # master and workers, mid-request
                time.sleep(0.01)
            for future in futures:
                try:
                    results.append(future.result())
                except Exception as error:
                    results.append(error)
        lost = [r for r in results if not isinstance(r, Response) or r.status != 200]
        after = [self.stack.served_by(r) for r in results[killed_at + 8:]
                 if isinstance(r, Response)]
        healthz_a = Browser(self.stack.ports["a"], host="127.0.0.1").get("/healthz")
        try:
            Browser(self.stack.ports["b"], host="127.0.0.1").get("/healthz", timeout=2)
            healthz_b = "answered"
        except OSError:
            healthz_b = "refused"
        still = [self.browser().get(path).status for path in paths]
        # nginx logs each attempt on B that failed (refused, or cut off mid-response) and then
        # passes the request to A.
        retried = sum(
            1 for line in (self.stack.tmp / "nginx-error.log").read_text().splitlines()
            if "[error]" in line and f'upstream: "http://127.0.0.1:{self.stack.ports["b"]}' in line
        )
        if lost:
            return False, f"{len(lost)} of {total} requests lost: {lost[:3]}"
        if healthz_a.status != 200 or healthz_b != "refused":
            return False, f"healthz A {healthz_a.status}, B {healthz_b}"
        if set(after) != {"a"} or set(still) != {200}:
            return False, f"after the kill served by {set(after)}, statuses {set(still)}"
        return True, (f"{total} requests, B killed (SIGKILL) after {killed_at}: none lost "
                      f"({retried} failed on B and retried by nginx); A serves the "
                      f"rest; /healthz A 200 ok, B {healthz_b}")

    def rate_limits(self):
        def one(_):
            return self.browser().get("/search/?q=institute").status

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(one, range(40)))
        if 429 not in statuses:
            return False, f"40 quick searches never limited: {sorted(set(statuses))}"
        if statuses.count(200) < 15:
            return False, f"only {statuses.count(200)} of 40 searches served"
        return True, (f"40 quick searches: {statuses.count(200)} served, "
                      f"{statuses.count(429)} refused with 429 by nginx")

    def backup_restore(self):
        stack = self.stack
        # A changed event (a new time raises its SEQUENCE) makes the comparison meaningful.
        stack.manage(
            "shell", "-c",
            "import datetime; from events.models import Event; "
            "e = Event.objects.published().order_by('-starts_at').first(); "
            "e.starts_at += datetime.timedelta(hours=1); e.ends_at += datetime.timedelta(hours=1); "
            "e.save()",
        )
        live_feed = self.browser().get("/events/feed.ics").body
        live_directory = self.browser().get("/directory/?page=1").text
        env = stack.app_env()
        backup = run(ROOT / "scripts" / "backup", stack.tmp / "backups", env=env)
        folder = backup.stdout.strip().splitlines()[-1]
        stack.create_database(stack.restored_db_name)
        restored_media = stack.tmp / "media-restored"
        restored_media.mkdir()
        run(ROOT / "scripts" / "restore", folder,
            env=stack.app_env(database=stack.restored_db_name, media=restored_media))
        stack.start_app("c", database=stack.restored_db_name, media=restored_media, redis=False)
        port, _ = stack.start_nginx("restored", [stack.ports["c"], stack.ports["c"]],
                                    restored_media)
        restored = Browser(port, tls_context=self.tls)
        restored.host = f"localhost:{self.https}"  # the same site, as DJANGO_SITE_URL says

        live_events = ical_uids_and_sequences(live_feed)
        restored_events = ical_uids_and_sequences(restored.get("/events/feed.ics").body)
        def organisations(page):
            return list(dict.fromkeys(re.findall(r'href="(/directory/[a-z0-9-]+/)"', page)))

        live_orgs = organisations(live_directory)
        restored_orgs = organisations(restored.get("/directory/?page=1").text)
        images = sorted(set(re.findall(r"(/media/renditions/[^\s\"',]+)", live_directory)))
        same_images = all(
            restored.get(url).body == self.browser().get(url).body
            and restored.get(url).status == 200
            for url in images
        )
        if not live_events or live_events != restored_events:
            return False, f"events differ: {len(live_events)} live, {len(restored_events)} restored"
        if max(live_events.values()) < 1:
            return False, "no event with a raised SEQUENCE to compare"
        if not live_orgs or live_orgs != restored_orgs:
            return False, f"organisations differ: {live_orgs[:3]} / {restored_orgs[:3]}"
        if not images or not same_images:
            return False, f"{len(images)} renditions, identical and served: {same_images}"
        return True, (f"backup restored into a fresh database and media folder: "
                      f"{len(live_orgs)} organisations, {len(live_events)} events (same UIDs "
                      f"and SEQUENCEs, max {max(live_events.values())}), {len(images)} renditions "
                      "served identical")


def main():
    stack = Stack()
    atexit.register(stack.cleanup)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(130))

    print("== setting up the stack", flush=True)
    stack.install_missing_packages()
    stack.ensure_postgresql()
    stack.create_database(stack.db_name)
    say(f"database {stack.db_name} on 127.0.0.1:5432; temporary folder {stack.tmp}")
    stack.ports["https"] = stack.ports["nginx-https"] = free_port()
    stack.start_redis()
    say(f"redis-server on 127.0.0.1:{stack.ports['redis']} (deploy/redis.conf)")
    stack.manage("migrate", "--noinput")
    stack.manage("collectstatic", "--noinput")
    stack.manage("loaddemo")
    stack.manage("setup_roles")
    stack.manage(
        "createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "ops@example.com",
        env={**stack.app_env(), "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
    )
    say("migrated, collected static files, loaded the demo, created a superuser")
    stack.start_app("a")
    stack.start_app("b")
    say(f"gunicorn A on :{stack.ports['a']}, B on :{stack.ports['b']} (deploy/gunicorn.conf.py)")
    tls = stack.make_certificate()
    stack.start_nginx("nginx", [stack.ports["a"], stack.ports["b"]], stack.tmp / "media")
    say(f"nginx on https://localhost:{stack.ports['nginx-https']} "
        f"and http :{stack.ports['nginx-http']} (deploy/nginx/)")

    print("== checks, through nginx", flush=True)
    checks = Checks(stack, tls)
    checks.check("pages", checks.pages)
    checks.check("feeds", checks.feeds)
    checks.check("static files", checks.static_files)
    checks.check("renditions, not originals", checks.renditions)
    checks.check("https from X-Forwarded-Proto", checks.https_follows_proxy)
    checks.check("request id and JSON logs", checks.request_ids_and_logs)
    checks.check("metrics not published", checks.metrics_private)
    checks.check("edit on one instance, fresh on the other", checks.edit_reaches_other_instance)
    checks.check("login lock-out across instances", checks.lockout_across_instances)
    checks.check("Redis stopped", checks.redis_down)
    checks.check("graceful reload", checks.graceful_reload)
    checks.check("instance killed under load", checks.failover)
    checks.check("rate limit on search", checks.rate_limits)
    checks.check("backup and restore", checks.backup_restore)

    passed = sum(checks.results)
    failed = len(checks.results) - passed
    say(f"all checks done in {time.monotonic() - STARTED:.0f}s; stopping everything")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
