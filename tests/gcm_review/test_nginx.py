"""The TLS-terminating proxy of docker-compose.yml (deploy/nginx/gcm.conf).

Its directives are checked everywhere. Where nginx is installed, ``nginx -t`` checks a copy
of the file (the upstream on loopback, a throwaway self-signed certificate), and that copy
is served in front of a small echo server to show what a client and the application see.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONF_PATH = ROOT / "deploy" / "nginx" / "gcm.conf"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
# /usr/sbin is not on every user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
OPENSSL = shutil.which("openssl")

needs_nginx = pytest.mark.skipif(
    NGINX is None or OPENSSL is None,
    reason="nginx or openssl is not installed (apt-get install nginx-light openssl; "
    ".ci/run installs them): nginx -t and the proxy round trips skipped",
)


# --- A small reader of nginx configuration ----------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    children: list[Directive] = field(default_factory=list)

    def all(self, name: str) -> list[Directive]:
        return [child for child in self.children if child.name == name]

    def one(self, name: str) -> Directive:
        found = self.all(name)
        assert len(found) == 1, f"{len(found)} {name} directives in {self.name} {self.args}"
        return found[0]

    def walk(self) -> Iterator[Directive]:
        for child in self.children:
            yield child
            yield from child.walk()


_TOKEN = re.compile(r"""#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)""")


def parse(text: str) -> Directive:
    """The file as a tree of directives under a root named "main"."""
    root = Directive("main", [])
    stack = [root]
    words: list[str] = []
    for match in _TOKEN.finditer(text):
        double, single, punctuation, word = match.groups()
        if match[0].startswith("#"):
            continue
        if punctuation is None:
            words.append(word if word is not None else (double if double is not None else single))
            continue
        if punctuation == "}":
            assert not words, "a directive without ; before }"
            assert len(stack) > 1, "unbalanced }"
            stack.pop()
            continue
        assert words, f"empty directive before {punctuation}"
        directive = Directive(words[0], words[1:])
        stack[-1].children.append(directive)
        words = []
        if punctuation == "{":
            stack.append(directive)
    assert len(stack) == 1, "unterminated block"
    assert not words, "unterminated directive"
    return root


CONF = parse(CONF_PATH.read_text())


def server_listening_on(port: str) -> Directive:
    for server in CONF.all("server"):
        if any(listen.args[0] == port for listen in server.all("listen")):
            return server
    raise AssertionError(f"no server listens on {port}")


def size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


# --- The file ------------------------------------------------------------------------------


def test_the_upstream_is_the_compose_web_service_on_gunicorns_port():
    upstream = CONF.one("upstream")
    host, port = upstream.one("server").args[0].split(":")
    web = COMPOSE["services"][host]
    assert web["command"][0] == "gunicorn"
    bind = web["command"][web["command"].index("--bind") + 1]
    assert bind.rsplit(":", 1)[1] == port
    assert "nginx" in COMPOSE["services"]
    proxied = [d for d in server_listening_on("443").walk() if d.name == "proxy_pass"]
    assert [d.args for d in proxied] == [[f"http://{upstream.args[0]}"]]


def test_plain_http_only_redirects_to_https_on_the_same_host_and_address():
    server = server_listening_on("80")
    assert not [d for d in server.walk() if d.name == "proxy_pass"]
    returns = [d.args for d in server.walk() if d.name == "return"]
    assert returns == [["301", "https://$host$request_uri"]]


def test_https_is_terminated_with_the_certificate_compose_mounts():
    server = server_listening_on("443")
    assert "ssl" in server.one("listen").args
    mounts = dict(volume.rsplit(":", 2)[:2] for volume in COMPOSE["services"]["nginx"]["volumes"])
    certificates = mounts["${NGINX_CERTS_DIR:-./deploy/certs}"]
    for name in ("ssl_certificate", "ssl_certificate_key"):
        assert server.one(name).args[0].startswith(certificates + "/"), name
    assert set(server.one("ssl_protocols").args) <= {"TLSv1.2", "TLSv1.3"}


def test_the_application_gets_the_host_scheme_and_client_address():
    location = server_listening_on("443").one("location")
    headers = {d.args[0].lower(): d.args[1] for d in location.all("proxy_set_header")}
    assert headers["host"] == "$host"
    assert headers["x-forwarded-proto"] == "$scheme"
    # One address, the client's: API_NUM_PROXIES=1 takes the last one.
    assert headers["x-forwarded-for"] in ("$remote_addr", "$proxy_add_x_forwarded_for")


def test_limits_and_timeouts_are_set():
    _count, size = CONF.one("large_client_header_buffers").args
    # The site accepts queries of 2,000 characters; a request line over 8k is refused.
    assert 4096 <= size_in_bytes(size) <= 8192
    assert size_in_bytes(CONF.one("client_max_body_size").args[0]) >= 5 * 1024 * 1024
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert CONF.one(name).args
    location = server_listening_on("443").one("location")
    for name in ("proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout"):
        assert location.one(name).args


# --- nginx itself ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected {old!r} once in gcm.conf"
    return text.replace(old, new)


def write_test_copy(
    directory: Path, *, upstream: str, http_listen: str = "80", https_listen: str = "443"
) -> Path:
    """gcm.conf with the upstream, ports and certificate paths replaced, inside a main
    configuration like the nginx image's; returns the main configuration's path."""
    subprocess.run(
        [
            *(OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=gcm.example.org", "-keyout", str(directory / "privkey.pem")),
            *("-out", str(directory / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )
    text = CONF_PATH.read_text()
    text = replace_once(text, "server web:8000;", f"server {upstream};")
    text = replace_once(text, "listen 80 default_server;", f"listen {http_listen} default_server;")
    text = replace_once(text, "listen 443 ssl", f"listen {https_listen} ssl")
    for name, file in (
        ("ssl_certificate", "fullchain.pem"),
        ("ssl_certificate_key", "privkey.pem"),
    ):
        text = replace_once(text, f"{name} /etc/nginx/certs/{file};", f"{name} {directory / file};")
    (directory / "gcm.conf").write_text(text)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = directory / "nginx.conf"
    # The http block repeats what the image's /etc/nginx/nginx.conf sets around
    # conf.d/*.conf, so that gcm.conf setting one of them again fails here as it would there.
    main.write_text(
        f"""worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"};
events {{ worker_connections 64; }}
http {{
    default_type application/octet-stream;
    access_log {directory / "access.log"};
    sendfile on;
    keepalive_timeout 65;
{temp_paths}
    include {directory / "gcm.conf"};
}}
"""
    )
    return main


def nginx_command(main: Path) -> list[str]:
    return [NGINX, "-p", str(main.parent), "-c", str(main), "-e", str(main.parent / "error.log")]


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    main = write_test_copy(tmp_path, upstream="127.0.0.1:8000")
    result = subprocess.run(
        [*nginx_command(main), "-t"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


class EchoHandler(BaseHTTPRequestHandler):
    """The application's stand-in: answers what it received, as JSON."""

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        body = json.dumps(
            {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Proxy:
    http_port: int
    https_port: int
    upstream_paths: list[str]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[Proxy]:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    upstream.paths = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    directory = tmp_path_factory.mktemp("nginx")
    http_port, https_port = free_port(), free_port()
    main = write_test_copy(
        directory,
        upstream=f"127.0.0.1:{upstream.server_address[1]}",
        http_listen=f"127.0.0.1:{http_port}",
        https_listen=f"127.0.0.1:{https_port}",
    )
    process = subprocess.Popen(
        [*nginx_command(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, (directory / "error.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.1)
        yield Proxy(http_port, https_port, upstream.paths)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        upstream.shutdown()
        upstream.server_close()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def send(port: int, raw: str, *, tls: bool) -> Response:
    """Sends a raw request and reads one response (headers, then Content-Length bytes)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = context.wrap_socket(connection, server_hostname="gcm.example.org")
    with connection:
        connection.sendall(raw.encode("latin-1"))
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            assert chunk, f"connection closed before the headers: {received!r}"
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in lines)
        }
        while len(body) < int(headers.get("content-length", 0)):
            chunk = connection.recv(65536)
            assert chunk, "connection closed before the end of the body"
            body += chunk
    return Response(int(status_line.split()[1]), headers, body)


def get(path: str, *, host: str = "gcm.example.org", extra: str = "") -> str:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"


@needs_nginx
def test_plain_http_is_redirected_to_https_and_never_reaches_the_application(proxy):
    seen = len(proxy.upstream_paths)
    response = send(proxy.http_port, get("/recommendations/?objective=3&q=visa"), tls=False)
    assert response.status == 301
    assert response.headers["location"] == (
        "https://gcm.example.org/recommendations/?objective=3&q=visa"
    )
    assert len(proxy.upstream_paths) == seen


@needs_nginx
def test_the_application_sees_the_host_https_and_the_real_client_address(proxy):
    forged = "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: http\r\n"
    response = send(proxy.https_port, get("/api/v1/recommendations/", extra=forged), tls=True)
    assert response.status == 200
    received = response.json()
    assert received["path"] == "/api/v1/recommendations/"
    assert received["headers"]["host"] == "gcm.example.org"
    assert received["headers"]["x-forwarded-proto"] == "https"
    # The forged address is dropped: a client cannot choose whom the rate limit counts.
    assert received["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert response.headers["server"] == "nginx"


@needs_nginx
def test_a_2000_character_query_passes_and_a_request_line_over_8k_is_refused(proxy):
    long_query = "/recommendations/?q=" + "a" * 2000
    response = send(proxy.https_port, get(long_query), tls=True)
    assert response.status == 200
    assert response.json()["path"] == long_query

    too_long = "/recommendations/?q=" + "a" * 8200
    response = send(proxy.https_port, get(too_long), tls=True)
    assert response.status == 414
    assert too_long not in proxy.upstream_paths


@needs_nginx
def test_a_body_over_the_limit_is_refused_before_it_is_sent(proxy):
    limit = size_in_bytes(CONF.one("client_max_body_size").args[0])
    request = (
        "POST /admin/recommendations/update/import/ HTTP/1.1\r\nHost: gcm.example.org\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {limit + 1}\r\n"
        "Connection: close\r\n\r\n"
    )
    response = send(proxy.https_port, request, tls=True)
    assert response.status == 413
    assert "/admin/recommendations/update/import/" not in proxy.upstream_paths
