#!/usr/bin/python3
# The system Python on purpose: Debian's python3-selenium installs there, not into a pyenv or venv Python.
"""End-to-end test of the playground page of a running `veer serve`, in a real headless Chromium.

Usage: tools/serve-browser-test.py URL [--vector NAME] [--strength S] [--expect-different] [--api-key KEY]

Loads URL (the server's `/`), waits for the strength sliders, moves one (the first, or --vector) to --strength (default:
the slider's maximum), sets temperature 0, types a message, clicks Send, and waits until both the unsteered and the
steered answer have streamed to the end. Checks: both answers have text and no error, the steered side reports the
vector in its applied steering, and with --expect-different that the two answers differ (only meaningful for a vector
strong enough to change a greedy answer). Prints one line; exits 1 on failure.

Needs Debian's chromium, chromium-driver and python3-selenium (tools/test-serve installs them).
"""
import argparse
import shutil
import sys
import time

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as error:
    sys.exit(f"serve-browser-test: FAIL: {error} ({sys.executable}): apt-get install python3-selenium, "
             "and run this script with /usr/bin/python3")

NAME = "serve-browser-test"


class Failure(Exception):
    pass


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the playground page, e.g. http://127.0.0.1:8080/")
    parser.add_argument("--vector", help="the slider to move (default: the first)")
    parser.add_argument("--strength", type=float, help="the strength to set (default: the slider's maximum)")
    parser.add_argument("--message", default="Tell me about your day.", help="the chat message to send")
    parser.add_argument("--max-tokens", type=int, default=24, help="max_tokens of both requests (default 24)")
    parser.add_argument("--api-key", help="typed into the page's API key field")
    parser.add_argument("--expect-different", action="store_true", help="fail unless the two answers differ")
    parser.add_argument("--timeout", type=float, default=45, help="seconds to wait for both streams (default 45)")
    return parser.parse_args()


def start_browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def set_field(driver, selector, value, events=("input", "change")):
    """Sets an input's value as a user would leave it: the value, then the events the page listens to."""
    driver.execute_script(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1];"
        "for (const name of arguments[2]) el.dispatchEvent(new Event(name, {bubbles: true}));",
        selector, str(value), list(events))


def wait(driver, seconds, condition, what):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        status = driver.find_element(By.ID, "status").text
        raise Failure(f"timed out after {seconds:g} s waiting for {what} (page status: {status!r})")


def run(arguments, driver):
    driver.get(arguments.url)
    if arguments.api_key is not None:
        set_field(driver, "#api-key", arguments.api_key, events=("change",))

    def sliders_or_error(d):
        status = d.find_element(By.ID, "status")
        if "error" in status.get_attribute("class").split():
            raise Failure(f"the page could not load the vectors: {status.text}")
        if d.find_elements(By.CSS_SELECTOR, "#vectors") and "No vectors" in d.find_element(By.ID, "vectors").text:
            raise Failure("the server registered no vectors (veer serve --vectors DIR)")
        return d.find_elements(By.CSS_SELECTOR, ".vector-slider")
    sliders = wait(driver, 15, sliders_or_error, "the strength sliders")
    names = [slider.get_attribute("data-vector") for slider in sliders]
    name = arguments.vector or names[0]
    if name not in names:
        raise Failure(f"--vector {name}: the page shows sliders for {', '.join(names)}")
    selector = f'.vector-slider[data-vector="{name}"]'
    slider = driver.find_element(By.CSS_SELECTOR, selector)
    strength = arguments.strength if arguments.strength is not None else float(slider.get_attribute("max"))
    if strength == 0:
        raise Failure("--strength 0 leaves the steered side unsteered")
    set_field(driver, selector, strength)
    if abs(float(slider.get_attribute("value")) - strength) > 1e-6:
        raise Failure(f"slider {name}: set to {strength:g}, reads {slider.get_attribute('value')} "
                      f"(range {slider.get_attribute('min')}..{slider.get_attribute('max')})")
    set_field(driver, "#temperature", 0)
    set_field(driver, "#max-tokens", arguments.max_tokens)
    driver.find_element(By.ID, "message").send_keys(arguments.message)
    started = time.monotonic()
    driver.find_element(By.ID, "send").click()

    def both_done(d):
        panes = [d.find_elements(By.ID, side) for side in ("unsteered", "steered")]
        return all(p and p[0].get_attribute("data-done") == "true" for p in panes) and panes
    unsteered, steered = (p[0] for p in wait(driver, arguments.timeout, both_done, "both streams to end"))
    elapsed = time.monotonic() - started
    texts = {}
    for side, pane in (("unsteered", unsteered), ("steered", steered)):
        texts[side] = pane.text.strip()
        if "error" in pane.get_attribute("class").split():
            raise Failure(f"the {side} stream failed: {texts[side]!r}")
        if not texts[side]:
            raise Failure(f"the {side} answer is empty")
    applied = driver.find_element(By.ID, "steered-veer").text
    if name not in applied:
        raise Failure(f"the steered answer does not report {name} as applied (veer line: {applied!r})")
    if arguments.expect_different and texts["unsteered"] == texts["steered"]:
        raise Failure(f"{name} at {strength:g} left the answer unchanged: {texts['steered']!r}")
    same = "identical" if texts["unsteered"] == texts["steered"] else "different"
    return (f"{NAME}: ok: {name}={strength:g}, both streams in {elapsed:.1f} s, answers {same} "
            f"({len(texts['unsteered'])} and {len(texts['steered'])} characters)")


def main():
    arguments = parse_arguments()
    try:
        driver = start_browser()
    except WebDriverException as error:
        print(f"{NAME}: FAIL: cannot start headless chromium: {error.msg}", file=sys.stderr)
        return 1
    try:
        print(run(arguments, driver))
        return 0
    except (Failure, WebDriverException) as error:
        message = error.msg if isinstance(error, WebDriverException) else str(error)
        print(f"{NAME}: FAIL: {message}", file=sys.stderr)
        for entry in driver.get_log("browser")[-10:]:
            print(f"  browser console: {entry.get('level')} {entry.get('message')}", file=sys.stderr)
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
