"""End to end: the built playground (playground/dist/) in headless Chromium, driven by WebDriver.

Serves dist/ on 127.0.0.1, types a configuration with known mistakes, checks the findings and
their underlines, the --explain text, applies the safe fixes and reads the diff, the unsafe fixes,
the --effective tab, several files through #include, and permalinks (made by the page and made
by hand); records every request the browser makes and fails if one leaves the page's origin.
Leaves screenshots in target/playground-e2e/: demo.png (the page as it opens), fixes.png (a diff)
and screenshot.png (a permalink made by hand, its finding explained).

Run `scripts/playground` first, then `python3 playground/tests/e2e.py` from the repository root.
Needs Debian's chromium and chromium-driver and selenium from PyPI.
"""

import base64
import functools
import http.server
import json
import pathlib
import sys
import tempfile
import threading
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "playground" / "dist"
OUT = ROOT / "target" / "playground-e2e"

# An endpoint with a misspelt option (an unsafe fix) and an aor with an option set twice (a safe
# fix), typed as a user would.
TYPED = "[6001]\ntype=endpoint\nrtp_symetric=yes\n\n[6001]\ntype=aor\nmax_contacts=1\nmax_contacts=2\n"


class Server(http.server.ThreadingHTTPServer):
    """A static server of dist/ that remembers every path asked for."""

    def __init__(self):
        self.paths = []
        handler = functools.partial(Handler, directory=str(DIST))
        super().__init__(("127.0.0.1", 0), handler)


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def log_message(self, format, *args):
        self.server.paths.append(self.path)


def base64url(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def browser(user_data_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        f"--user-data-dir={user_data_dir}",
    ]:
        options.add_argument(flag)
    # The DevTools network events of every page: the requests it makes.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


class Page:
    def __init__(self, driver):
        self.driver = driver
        self.wait = WebDriverWait(driver, 20)

    def css(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def open(self, url):
        self.driver.get(url)
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.ready"))

    def findings(self):
        """(rule, file) of each finding listed."""
        # textContent: the list may be on a tab not shown.
        return [
            tuple(self.driver.execute_script(
                "return [arguments[0].querySelector('.rule').textContent,"
                " arguments[0].querySelector('.where').textContent.split(':')[0]]",
                item,
            ))
            for item in self.all("#finding-list .finding")
        ]

    def wait_for(self, what, check):
        try:
            self.wait.until(lambda _: check())
        except Exception:
            self.driver.save_screenshot(str(OUT / "failure.png"))
            raise AssertionError(f"{what}; findings: {self.findings()}; see {OUT / 'failure.png'}")

    def tabs(self):
        return [tab.get_attribute("data-file") for tab in self.all("#file-tabs .tab")]

    def editor_text(self):
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('#editor .cm-line'), l => l.textContent).join('\\n')"
        )

    def tab(self, name):
        self.css(f'#output-tabs button[data-tab="{name}"]').click()


def check(page, origin):
    page.open(origin + "/")
    page.wait_for("the demo is linted, the file it includes too", lambda: ("trunk-missing-identify", "pjsip_trunk.conf") in page.findings())
    page.driver.save_screenshot(str(OUT / "demo.png"))
    page.css('#file-tabs .close[title="Remove pjsip_trunk.conf"]').click()
    page.wait_for("the included file removed", lambda: page.tabs() == ["pjsip.conf"])
    page.wait_for("its include then missing", lambda: ("include-not-found", "pjsip.conf") in page.findings())

    # Type a configuration with known mistakes.
    editor = page.css("#editor .cm-content")
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(TYPED)
    page.wait_for("the typed text is in the editor", lambda: page.editor_text().strip() == TYPED.strip())
    expected = [("unknown-option", "pjsip.conf"), ("duplicate-option", "pjsip.conf")]
    page.wait_for("findings of the typed text", lambda: sorted(page.findings()) == sorted(expected))
    message = page.css("#finding-list .finding .message").text
    assert "rtp_symmetric" in message, message
    # Underlined in the editor, marked in the gutter.
    page.wait_for("underlines", lambda: len(page.all("#editor .cm-lintRange-error")) >= 1)
    assert page.all("#editor .cm-lintRange-warning"), "no warning underline"

    # A click on a finding shows its rule's --explain.
    next(item for item in page.all("#finding-list .finding") if "duplicate-option" in item.text).click()
    page.wait_for("the explain tab", lambda: page.css("#explain").is_displayed())
    explain = page.css("#explain-text").text
    assert explain.startswith("duplicate-option") and "Fix" in explain, explain

    # Any rule's --explain, from the list of rules.
    Select(page.css("#rule-picker")).select_by_value("weak-password")
    page.wait_for("the picked rule explained", lambda: page.css("#explain-text h2").text == "weak-password")

    # The safe fix, as a diff, applied with a click.
    page.tab("fixes")
    page.driver.save_screenshot(str(OUT / "fixes.png"))
    diff = page.css("#diff").text
    assert "-max_contacts=1" in diff and "rtp_symmetric" not in diff, diff
    assert "unsafe fix" in page.css("#applied").text
    page.css("#apply-fixes").click()
    page.wait_for("the fixed text", lambda: "max_contacts=1" not in page.editor_text())
    page.wait_for("the fixed findings", lambda: ("duplicate-option", "pjsip.conf") not in page.findings())

    # The unsafe fix on the switch.
    page.css("#unsafe-fixes").click()
    page.wait_for("the unsafe diff", lambda: "+rtp_symmetric=yes" in page.css("#diff").text)
    page.css("#apply-fixes").click()
    page.wait_for("the unsafe fix applied", lambda: "rtp_symmetric=yes" in page.editor_text())

    page.tab("effective")
    assert "[6001] ; endpoint from pjsip.conf:1" in page.css("#effective-text").text, page.css("#effective-text").text

    # A second file, included from the first: linted in memory.
    page.css("#new-file-name").send_keys("phones.conf", Keys.ENTER)
    page.wait_for("the new tab", lambda: page.css('#file-tabs .tab.active').get_attribute("data-file") == "phones.conf")
    page.css("#editor .cm-content").send_keys("[7001]\ntype=auth\nusername=7001\npassword=7001\n")
    page.css('#file-tabs .tab[data-file="pjsip.conf"]').click()
    root = page.css("#editor .cm-content")
    root.send_keys(Keys.CONTROL, Keys.END)
    root.send_keys("\n#include phones.conf\n")
    page.wait_for("a finding in the included file", lambda: ("weak-password", "phones.conf") in page.findings())

    # The page's permalink, passwords masked (the default), opened anew.
    page.css("#make-link").click()
    link = page.css("#link").get_attribute("value")
    fragment = urllib.parse.urlsplit(link).fragment
    assert fragment.startswith("config="), link
    phones = fragment.split("&file=phones.conf:")[1].split("&")[0]
    linked = base64.urlsafe_b64decode(phones + "==").decode()
    assert "username=7001\npassword=****\n" in linked, linked
    page.driver.get("about:blank")
    page.open(link)
    page.wait_for("the linked files", lambda: page.tabs() == ["pjsip.conf", "phones.conf"])
    assert "#include phones.conf" in page.editor_text()

    # A permalink made by hand, as README documents it: padding optional, version 20.
    config = "[a]\ntype=endpoint\nbogus_option=1\n"
    page.driver.get("about:blank")
    page.open(f"{origin}/#config={base64url(config)}&version=20")
    page.wait_for("the hand-made link's findings", lambda: ("unknown-option", "pjsip.conf") in page.findings())
    assert page.css("#version").get_attribute("value") == "20"
    assert page.editor_text() == config, page.editor_text()
    page.css("#finding-list .finding").click()
    page.driver.save_screenshot(str(OUT / "screenshot.png"))


def requests_made(driver):
    """(URL, URL of the document asking) of every request the browser made, from the DevTools
    network events. The browser's own pages (its new tab page, chrome://) are in them too."""
    made = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message["params"]
        if message["method"] == "Network.requestWillBeSent":
            made.append((params["request"]["url"], params.get("documentURL", "")))
        elif message["method"] == "Network.webSocketCreated":
            made.append((params["url"], ""))
    return made


def leaving(made, origin):
    """The requests that leave `origin`: any request over the network (http, https, ws, wss, ...)
    to elsewhere, and anything our page asks for but its own files and inline `data:` images."""
    ours = origin + "/"
    local_schemes = ("data:", "blob:", "about:", "chrome:", "chrome-extension:", "devtools:")
    return [
        url
        for url, document in made
        if (not url.startswith(local_schemes) and not url.startswith(ours))
        or (document.startswith(ours) and not url.startswith((ours, "data:")))
    ]


def main():
    if not (DIST / "index.html").exists():
        sys.exit("playground/dist/ is not built: run scripts/playground first")
    OUT.mkdir(parents=True, exist_ok=True)
    server = Server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            page = Page(driver)
            made = []
            try:
                check(page, origin)
            finally:
                made = requests_made(driver)
                (OUT / "requests.txt").write_text("".join(f"{url} (from {doc})\n" for url, doc in made))
            outside = leaving(made, origin)
            assert not outside, f"requests leaving {origin}: {outside}"
            ours = [url for url, doc in made if doc.startswith(origin + "/")]
            assert any(url.endswith(".wasm") for url in ours), "the recording missed the .wasm"
            served = sorted(set(urllib.parse.urlsplit(path).path for path in server.paths))
            assert served == ["/", "/app.js", "/pjsiplint_wasm_bg.wasm", "/style.css"], served
            print(f"{len(ours)} requests of the page, none leaving {origin}; served: {served}")
            print(f"screenshot: {OUT / 'screenshot.png'}")
        finally:
            driver.quit()
            server.shutdown()


if __name__ == "__main__":
    main()
