"""Drives the operator console in Chromium (Playwright), against a real ingress, broker and
database that ConsoleBrowserTests set up. Exits 0 when every step held; else prints the step
that failed and exits 1.

Environment: CONSOLE_URL, CONSOLE_TOKEN (an operator's), TENANT_KEY (a tenant's API key),
REPLAY_ID (a dead letter whose replay will succeed), PURGE_ID, SCRIPT_ID (a dead letter whose
body holds <script>), JOB_ID (a pending workflow job), MARKER_DIR (where `job-page-open` is
written when the job's page is open, so the test starts its worker), SCREENSHOT_DIR.
"""

import os
import pathlib
import re
import sys
import time

from playwright.sync_api import expect, sync_playwright

env = os.environ
base = env["CONSOLE_URL"]
shots = pathlib.Path(env["SCREENSHOT_DIR"])
shots.mkdir(parents=True, exist_ok=True)
expect.set_options(timeout=15_000)


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def step(name):
    print(f"step: {name}", flush=True)


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])

    step("signed out: the sign-in page")
    anonymous = browser.new_context().new_page()
    response = anonymous.goto(base + "/console/dead-letters")
    check(response.status == 401, f"signed out: expected 401, got {response.status}")
    expect(anonymous.get_by_label("Operator token")).to_have_attribute("type", "password")

    step("a tenant's API key: the sign-in page")
    tenant = browser.new_context(extra_http_headers={"Authorization": "Bearer " + env["TENANT_KEY"]}).new_page()
    response = tenant.goto(base + "/console")
    check(response.status == 401, f"tenant key: expected 401, got {response.status}")
    expect(tenant.locator('input[name="token"][type="password"]')).to_have_count(1)

    step("sign in")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/console")
    page.get_by_label("Operator token").fill(env["CONSOLE_TOKEN"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()

    step("the overview lists the queues")
    for queue in ["sy.work.probe", "sy.dlq.probe", "sy.retry.1s", "sy.work.workflow"]:
        expect(page.locator("td", has_text=re.compile("^" + re.escape(queue) + r"\b")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Workers connected")).to_be_visible()
    # The management API lists consumers a few seconds after they subscribe: reload until it does.
    worker = page.locator("td", has_text=re.compile(r"^switchyard work probe on .+ pid \d+ \(consume\)$"))
    deadline = time.monotonic() + 30
    while worker.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()
    expect(worker.first).to_be_visible()
    page.screenshot(path=str(shots / "console-overview.png"), full_page=True)

    step("the dead letters appear")
    page.get_by_role("link", name="Dead letters", exact=True).click()
    expect(page.get_by_role("heading", name="Dead letters", level=1)).to_be_visible()
    for letter in [env["REPLAY_ID"], env["PURGE_ID"], env["SCRIPT_ID"]]:
        expect(page.get_by_role("link", name=letter, exact=True)).to_be_visible()
    page.screenshot(path=str(shots / "console-dead-letters.png"), full_page=True)

    step("a body holding <script> is shown as text")
    page.get_by_role("link", name=env["SCRIPT_ID"], exact=True).click()
    expect(page.locator("#letter-body")).to_contain_text("<script>alert(1)")
    check(page.locator("#letter-body script").count() == 0, "the body became a script element")
    check(not dialogs, f"a dialog opened: {dialogs}")

    step("open a letter, replay it with confirmation")
    page.goto(base + "/console/dead-letters/" + env["REPLAY_ID"])
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page.get_by_role("heading", name="Confirm replay")).to_be_visible()
    expect(page.locator("#preview-summary")).to_have_text("1 letter will be replayed.")
    expect(page.get_by_text("1 letter will be replayed to sy.events probe.run")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#action-summary")).to_have_text("Replayed 1, skipped 0, failed 0.")

    step("a purge requires confirmation")
    page.goto(base + "/console/dead-letters")
    page.get_by_label("Select dead letter " + env["PURGE_ID"]).check()
    page.get_by_role("button", name="Purge", exact=True).click()
    expect(page.get_by_role("heading", name="Confirm purge")).to_be_visible()
    detail = context.new_page()
    detail.goto(base + "/console/dead-letters/" + env["PURGE_ID"])
    expect(detail.locator("#letter-state")).to_have_text("waiting to be replayed or purged")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#action-summary")).to_contain_text("Discarded 1 letter.")
    detail.reload()
    expect(detail.locator("#letter-state")).to_contain_text("discarded at")

    step("a form post without the CSRF token is refused")
    refused = context.request.post(base + "/console/dead-letters/purge", form={"id": env["SCRIPT_ID"], "confirm": "yes"})
    check(refused.status == 403, f"without the CSRF token: expected 403, got {refused.status}")
    check("field csrf" in refused.text(), "the refusal names the field")

    step("a live job view updates without reload")
    page.goto(base + "/console/objects")
    page.get_by_label(re.compile("^Id of a")).fill(env["JOB_ID"])
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#object-status")).to_have_text("pending")
    expect(page.locator("#live-state")).to_have_text("Following live updates.")
    page.evaluate("window.notReloaded = true")
    pathlib.Path(env["MARKER_DIR"], "job-page-open").write_text("open")
    expect(page.locator("#object-status")).to_have_text("completed", timeout=60_000)
    check(page.evaluate("window.notReloaded === true"), "the page was reloaded")
    expect(page.locator("#history-rows tr")).not_to_have_count(1)
    expect(page.locator("#live-state")).to_have_text("Finished: nothing more will change.")

    browser.close()

print("ok")
