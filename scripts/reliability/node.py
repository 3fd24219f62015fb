"""A throw-away CivicVault node for the reliability scripts: dev keys and data in a temporary directory, one
token per role, and `civicvault serve` on a free port of 127.0.0.1 (never any other address)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def binary():
    return os.environ.get("BIN", os.path.join(REPO, ".build", "debug", "civicvault"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, name="reliability.test/node"):
        self.dir = tempfile.mkdtemp(prefix="cv-rel-")
        self.keys = os.path.join(self.dir, "keys")
        self.data = os.path.join(self.dir, "data")
        self.stdout = os.path.join(self.dir, "serve.out")
        self.stderr = os.path.join(self.dir, "serve.err")
        self.process = None
        self.port = None
        self.cli("init", "--keys", self.keys, "--dev", "--name", name)
        self.tokens = {}

    @property
    def database(self):
        return os.path.join(self.data, "civicvault.sqlite")

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def cli(self, *args):
        env = dict(os.environ)
        env.pop("CIVICVAULT_PASSPHRASE", None)
        done = subprocess.run([binary(), *args], cwd=REPO, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("civicvault %s failed: %s" % (" ".join(args[:2]), done.stderr.strip()))
        return done.stdout

    def token(self, name, role, actor, *extra):
        text = self.cli("token", "create", "--keys", self.keys, "--data", self.data, "--role", role, "--for", actor, *extra).strip()
        self.tokens[name] = text
        return text

    def standard_tokens(self, citizen_id="38001010000"):
        self.token("department", "department", "dept-clerk-1", "--clearance", "confidential")
        self.token("officer", "officer", "officer-1", "--clearance", "restricted")
        self.token("requester", "requester", "bank-1")
        self.token("landlord", "requester", "landlord-1")
        self.token("auditor", "auditor", "auditor-1")
        self.token("citizen", "citizen", "citizen-1", "--national-id", citizen_id)

    def start(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary(), "serve", "--keys", self.keys, "--data", self.data, "--host", "127.0.0.1", "--port", str(self.port),
             "--schema", os.path.join(REPO, "schemas", "citizen.json"), "--policy", os.path.join(REPO, "Keys", "policy.example.json")],
            cwd=REPO, stdout=open(self.stdout, "ab"), stderr=open(self.stderr, "ab"))
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("serve exited: " + open(self.stderr).read())
            try:
                if self.request("GET", "/health", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("serve did not answer /health")

    def rss_kib(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def request(self, method, path, token=None, body=None, timeout=30, raw=False):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, payload = e.code, e.read()
        if raw:
            return status, payload
        try:
            return status, json.loads(payload)
        except ValueError:
            return status, payload.decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def clean(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)
