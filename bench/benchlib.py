"""Small helpers shared by soak.py and crash.py (Python 3 standard library only)."""
import http.client, json, os, subprocess, threading, time, urllib.parse, uuid


class Client:
    """One keep-alive HTTP connection per thread to a Prospector server, authenticated with an API token."""

    def __init__(self, base, token, timeout=60):
        u = urllib.parse.urlparse(base)
        self.host, self.port, self.token, self.timeout = u.hostname, u.port, token, timeout
        self.local = threading.local()

    def _conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return c

    def request(self, method, path, body=None, headers=None, raw=None, content_type="application/json"):
        """Returns (status, headers, parsed JSON or bytes). Raises OSError/HTTPException when the server is gone."""
        h = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        c = self._conn()
        try:
            c.request(method, path, body=raw, headers=h)
            r = c.getresponse()
            data = r.read()
        except Exception:
            c.close()
            self.local.conn = None
            raise
        try:
            parsed = json.loads(data) if data and r.getheader("Content-Type", "").find("json") >= 0 else data
        except ValueError:
            parsed = data
        return r.status, r, parsed

    def upload_import(self, csv_path, list_name, country="DE"):
        """POST /api/v1/imports as multipart/form-data; returns (status, summary or problem)."""
        b = uuid.uuid4().hex
        parts = []
        for k, v in (("list", list_name), ("country", country)):
            parts.append(f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        with open(csv_path, "rb") as f:
            data = f.read()
        parts.append(f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{os.path.basename(csv_path)}"\r\n'
                     f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
        parts.append(f"--{b}--\r\n".encode())
        status, _, body = self.request("POST", "/api/v1/imports", raw=b"".join(parts), content_type=f"multipart/form-data; boundary={b}")
        return status, body


def etag_version(resp):
    return int(resp.getheader("ETag", '"0"').strip('W/"'))


def rss_mb(pid):
    """Resident set size of a process in MB (VmRSS from /proc), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None


def start_server(exe, data_dir, port, log_path, env=None):
    """Starts `prospector serve` and returns (process, seconds until /health/ready answered 200)."""
    e = dict(os.environ, Reminders__PollSeconds="3600", **(env or {}))
    args = [*exe, "serve", "--urls", f"http://127.0.0.1:{port}"] + (["--data-dir", data_dir] if data_dir else [])
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=open(log_path, "ab"), stderr=subprocess.STDOUT, env=e)
    while time.perf_counter() - t0 < 120:
        if p.poll() is not None:
            raise RuntimeError(f"server exited with {p.returncode}; see {log_path}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health/ready")
            if c.getresponse().status == 200:
                return p, time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.05)
    p.kill()
    raise RuntimeError("server not ready after 120 s")
