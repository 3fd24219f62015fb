"""Each page's main journey in headless Debian chromium against a real node, each leaving a screenshot in
docs/screenshots/. The checks the pages run in the browser (Ed25519 signature, SHA-256 inclusion, HMAC-SHA-256 trail
tags) are WebCrypto's, in this real browser."""
import json
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot

SECRETS = ["Mari Maasikas", "1980-01-01", "38001010000", "21000"]


def wait(driver, seconds=30):
    return WebDriverWait(driver, seconds)


def submit_and_flash(driver, button):
    """Clicks a form's button and returns the flash of the page the post redirects to (never the old page's flash,
    which stays present until the new page replaces it)."""
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    wait(driver).until(EC.staleness_of(old))
    return wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash")))


def has_class(locator, name):
    def check(driver):
        el = driver.find_element(*locator)
        return el if name in (el.get_attribute("class") or "").split() else False
    return check


def no_secrets(driver, node):
    html = driver.page_source
    for secret in SECRETS + list(node.tokens.values()):
        assert secret not in html


def test_explorer_shows_a_checkpoint_verified_in_the_browser(browser, node):
    browser.get(node.base + "/")
    status = wait(browser).until(has_class((By.ID, "checkpoint-status"), "pass"))
    assert "Verified in your browser" in status.text and "Ed25519" in status.text
    assert browser.find_element(By.ID, "verifier-key").text.startswith("test.node/pages+")
    types = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=latest-h] tbody td:nth-child(2)")]
    assert "question" in types and "record.created" in types
    no_secrets(browser, node)
    screenshot(browser, "explorer")
    # An entry's page: its inclusion proof checked in the browser against the signed root.
    browser.get(node.base + "/entries/%d" % node.bundle["ledger_index"])
    inclusion = wait(browser).until(has_class((By.ID, "inclusion-status"), "pass"))
    assert "is in the signed tree" in inclusion.text
    assert "pass" in browser.find_element(By.ID, "checkpoint-status").get_attribute("class")
    screenshot(browser, "entry")


def verify(browser, node, bundle_text, requester, nonce):
    browser.get(node.base + "/verify")
    area = browser.find_element(By.ID, "bundle")
    browser.execute_script("arguments[0].value = arguments[1];", area, bundle_text)
    browser.find_element(By.ID, "requester").send_keys(requester)
    browser.find_element(By.ID, "nonce").send_keys(nonce)
    browser.find_element(By.CSS_SELECTOR, "#verify-form button[type=submit]").click()
    return wait(browser).until(EC.presence_of_element_located((By.ID, "result")))


def test_a_bank_verifies_a_good_bundle_and_sees_a_tampered_one_fail_by_name(browser, node):
    good = json.dumps(node.bundle, indent=2)
    result = verify(browser, node, good, "bank-1", node.nonce)
    assert "The attestation holds" in result.find_element(By.ID, "result-h").text
    claims = result.find_element(By.ID, "claims").text
    assert re.search(r"birth date: at least 18 years old on \d{4}-\d{2}-\d{2}", claims), claims
    for check in ["checkpoint-signature", "inclusion"]:
        li = wait(browser).until(has_class((By.CSS_SELECTOR, "#browser-checks [data-check='%s']" % check), "pass"))
        assert "in your browser" in li.text
    node_checks = browser.find_elements(By.CSS_SELECTOR, "#node-checks li.pass")
    assert any(li.get_attribute("data-check") == "proof" for li in node_checks)
    no_secrets(browser, node)
    screenshot(browser, "verify-good")

    # The same bundle with one byte of the proof changed: the node names the proof check; the browser's checks of
    # the signature and inclusion still pass, since those parts are untouched.
    tampered = dict(node.bundle)
    proof = bytearray(__import__("base64").b64decode(tampered["proof"]))
    proof[40] ^= 0x01
    tampered["proof"] = __import__("base64").b64encode(bytes(proof)).decode()
    result = verify(browser, node, json.dumps(tampered, indent=2), "bank-1", node.nonce)
    assert "does not hold" in result.find_element(By.ID, "result-h").text
    failed = result.find_element(By.ID, "failed-check").text
    assert "Failed check: proof" in failed, failed
    assert browser.find_element(By.CSS_SELECTOR, "#node-checks [data-check='proof']").get_attribute("class") == "fail"
    wait(browser).until(has_class((By.CSS_SELECTOR, "#browser-checks [data-check='inclusion']"), "pass"))
    screenshot(browser, "verify-tampered")

    # A bundle whose entry was altered fails inclusion, on the node and in the browser.
    moved = dict(node.bundle)
    moved["ledger_index"] = node.bundle["ledger_index"]
    entry = bytearray(__import__("base64").b64decode(moved["entry"]))
    entry[-1] ^= 0x01
    moved["entry"] = __import__("base64").b64encode(bytes(entry)).decode()
    verify(browser, node, json.dumps(moved), "bank-1", node.nonce)
    assert "Failed check: inclusion" in browser.find_element(By.ID, "failed-check").text
    wait(browser).until(has_class((By.CSS_SELECTOR, "#browser-checks [data-check='inclusion']"), "fail"))


def test_a_citizen_signs_in_with_a_link_sees_the_log_approves_consent_and_checks_the_trail(browser, node):
    link = node.sign_in_link()
    assert "/signin/link#cvl_" in link
    browser.delete_all_cookies()
    browser.get(link)
    wait(browser).until(EC.url_to_be(node.base + "/citizen"))
    cookie = browser.get_cookie("cv_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    timeline = browser.find_element(By.ID, "timeline").text
    assert "registry-1 registered your record " + node.record in timeline
    assert "dept-health-1 read" in timeline
    assert "bank-1 asked a yes-or-no question" in timeline
    pending = browser.find_element(By.CSS_SELECTOR, "[data-request='%s']" % node.consent)
    assert "employer-1" in pending.text and "birth date: at least 18 years old" in pending.text
    flash = submit_and_flash(browser, pending.find_element(By.CSS_SELECTOR, "button.approve"))
    assert "You allowed employer-1's request" in flash.text
    assert browser.find_elements(By.ID, "no-pending")
    assert "You approved the request of employer-1" in browser.find_element(By.ID, "timeline").text
    browser.find_element(By.ID, "check-trail").click()
    result = wait(browser, 60).until(has_class((By.ID, "trail-result"), "pass"))
    assert result.text.startswith("Complete:"), result.text
    events = len(browser.find_elements(By.CSS_SELECTOR, "#timeline > li"))
    assert ("Complete: %d events" % events) in result.text
    no_secrets(browser, node)
    screenshot(browser, "citizen")
    # The link works once.
    browser.delete_all_cookies()
    browser.get(link)
    wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
    assert "not valid" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.get_cookie("cv_session") is None


def test_an_officer_approves_a_request_and_starts_a_rotation(browser, node):
    browser.delete_all_cookies()
    browser.get(node.base + "/signin")
    browser.find_element(By.ID, "token").send_keys(node.tokens["officer"])
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    wait(browser).until(EC.url_to_be(node.base + "/officer"))
    card = browser.find_element(By.CSS_SELECTOR, "[data-approval='%s']" % node.approval)
    assert "landlord-1" in card.text and "0 of 1 approvals" in card.text
    Select(card.find_element(By.TAG_NAME, "select")).select_by_value("checked-ok")
    flash = submit_and_flash(browser, card.find_element(By.CSS_SELECTOR, "button.approve"))
    assert "attestation was issued to landlord-1" in flash.text, flash.text
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-approval='%s']" % node.approval)
    row = browser.find_element(By.CSS_SELECTOR, "#tiers tr[data-tier='restricted']")
    assert row.find_element(By.CLASS_NAME, "version").text == "v1"
    flash = submit_and_flash(browser, row.find_element(By.TAG_NAME, "button"))
    assert "Rotated restricted to key version 2" in flash.text, flash.text
    assert browser.find_element(By.CSS_SELECTOR, "#tiers tr[data-tier='restricted'] .version").text == "v2"
    browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=audit-h] button").click()
    audit = wait(browser).until(EC.presence_of_element_located((By.ID, "audit-result")))
    assert "The ledger verifies" in audit.text
    assert "policy.example" not in browser.page_source
    no_secrets(browser, node)
    screenshot(browser, "officer")
    # The approval is on the ledger with its reason code.
    approvals = [e for e in node.call("GET", "/v1/ledger/entries")[1]["entries"] if e["entry"]["type"] == "request.approval"]
    assert approvals and approvals[-1]["entry"]["attributes"]["reason"] == {"string": "checked-ok"}
