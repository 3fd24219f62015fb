"""A real CivicVault node for the browser tests: fresh keys and database in a temporary folder, the citizen schema and
the example policy, a token per role, `civicvault serve` on a free loopback port, and the story the pages show made
through the JSON API: a citizen's record, a department's read, a bank's attestation (the good bundle), an employer's
request waiting for the citizen's consent and a landlord's waiting for an officer. Headless Debian chromium drives it."""
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOTS = os.path.join(ROOT, "docs", "screenshots")
NATIONAL_ID = "38001010000"
RECORD = {"type": "citizen", "national_id": NATIONAL_ID, "values": {
    "national_id": NATIONAL_ID, "full_name": "Mari Maasikas", "birth_date": "1980-01-01", "district": "north", "income": 21000}}


def pytest_addoption(parser):
    parser.addoption("--bin", default=os.path.join(ROOT, ".build", "debug", "civicvault"))


class Node:
    def __init__(self, binary):
        self.bin = binary
        self.dir = tempfile.mkdtemp(prefix="cv-pages-")
        self.keys = os.path.join(self.dir, "keys")
        self.data = os.path.join(self.dir, "data")
        self.tokens = {}
        self.process = None

    def cli(self, *args):
        return subprocess.run([self.bin, *args], check=True, capture_output=True, text=True).stdout.strip()

    def node(self, *args):
        return self.cli(*args[:2], "--keys", self.keys, "--data", self.data, *args[2:])

    def start(self):
        self.cli("init", "--keys", self.keys, "--dev", "--fast-kdf", "--name", "test.node/pages")
        self.node("schema", "add", os.path.join(ROOT, "schemas", "citizen.json"))
        self.node("policy", "install", os.path.join(ROOT, "Keys", "policy.example.json"))
        for name, args in {
            "registrar": ["--role", "department", "--for", "registry-1", "--clearance", "restricted"],
            "department": ["--role", "department", "--for", "dept-health-1", "--clearance", "confidential"],
            "officer": ["--role", "officer", "--for", "officer-1", "--clearance", "restricted"],
            "bank": ["--role", "requester", "--for", "bank-1"],
            "landlord": ["--role", "requester", "--for", "landlord-1"],
            "employer": ["--role", "requester", "--for", "employer-1"],
        }.items():
            self.tokens[name] = self.node("token", "create", *args)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(self.dir, "serve.log"), "w")
        self.process = subprocess.Popen([self.bin, "serve", "--keys", self.keys, "--data", self.data, "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.call("GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the node did not start")

    def call(self, method, path, token=None, body=None):
        request = urllib.request.Request(self.base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def story(self):
        status, made = self.call("POST", "/v1/records", self.tokens["registrar"], RECORD)
        assert status == 201, made
        self.record = made["record"]
        assert self.call("GET", "/v1/records/" + self.record + "?purpose=benefit-check", self.tokens["department"])[0] == 200
        self.nonce = base64.b64encode(os.urandom(32)).decode()
        status, issued = self.call("POST", "/v1/attestations", self.tokens["bank"], {
            "record": self.record, "predicates": [{"field": "birth_date", "age_at_least": 18}], "nonce": self.nonce, "purpose": "loan-application"})
        assert status == 201, issued
        self.bundle = issued["bundle"]
        status, asked = self.call("POST", "/v1/attestations", self.tokens["employer"], {
            "record": self.record, "predicates": [{"field": "birth_date", "age_at_least": 18}],
            "nonce": base64.b64encode(os.urandom(32)).decode(), "purpose": "employment"})
        assert status == 202, asked
        self.consent = asked["approval"]
        status, filed = self.call("POST", "/v1/attestations", self.tokens["landlord"], {
            "record": self.record, "predicates": [{"field": "district", "in": ["north", "harbour"]}],
            "nonce": base64.b64encode(os.urandom(32)).decode(), "purpose": "tenancy"})
        assert status == 202, filed
        self.approval = filed["approval"]

    def sign_in_link(self):
        return self.node("token", "create", "--role", "citizen", "--for", "citizen-1", "--national-id", NATIONAL_ID, "--link", "--url", self.base)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def node(request):
    n = Node(request.config.getoption("--bin"))
    try:
        n.start()
        n.story()
        yield n
    finally:
        n.stop()


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--lang=en-US", "--force-color-profile=srgb"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, name):
    """The whole page, written to docs/screenshots/NAME.png."""
    os.makedirs(SHOTS, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height + 40, 600), 4000))
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))
    driver.set_window_size(1280, 900)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, the page's text and the browser's console go into the report."""
    outcome = yield
    report = outcome.get_result()
    driver = item.funcargs.get("browser")
    if report.when == "call" and report.failed and driver is not None:
        try:
            text = driver.find_element("tag name", "main").text[:3000]
            logs = "\n".join(str(l) for l in driver.get_log("browser"))
            report.sections.append(("page at failure", driver.current_url + "\n" + text + "\n--- console ---\n" + logs))
        except Exception as e:  # the browser itself may be gone
            report.sections.append(("page at failure", "unavailable: %s" % e))
