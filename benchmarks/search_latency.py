"""Search latency of a built site in Chromium: the search page served on 127.0.0.1, queries typed
with a source filter checked, timed until their results show.

    python benchmarks/search_latency.py SITE_OR_OUTPUT [--queries 9] [--seed 7] [--first-after 0]

Queries are words of the titles of article pages picked at random (seeded). The first query of a
freshly loaded page (which waits for Pagefind's WebAssembly and every period's entry and filter
files; typed before any filter, as the page shows its filters once Pagefind is loaded) is reported
on its own: typed as soon as the page has loaded, or `--first-after` milliseconds later, as a reader
would. The median is over the queries after it, with the first value of the source filter checked,
each a word of a title of that source's articles. Two figures each: "page", typing into the search
page until its results list shows (this includes the UI's typing delay, `debounceTimeoutMs`), and
"api", Pagefind's own `search` with the same filter plus the data of the first five results, in
another page of the site, over the same merged bundles.
"""
from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import random
import re
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_TITLE = re.compile(r'<h1 data-pagefind-meta="title">(.*?)</h1>', re.S)
_SOURCE = re.compile(r'data-pagefind-filter="source">(.*?)</a>', re.S)

TYPE_AND_WAIT = """async (term) => {
  const input = document.querySelector("#search input[type=text]");
  const shown = () => {
    const message = document.querySelector(".pagefind-ui__message");
    return message && message.textContent.includes(term) && document.querySelector(".pagefind-ui__result-link");
  };
  const started = performance.now();
  input.value = term;
  input.dispatchEvent(new Event("input", {bubbles: true}));
  while (!shown()) {
    if (performance.now() - started > 60000) { throw new Error(`no results for ${term} within 60 s`); }
    await new Promise(requestAnimationFrame);
  }
  return performance.now() - started;
}"""

CLEAR = """async () => {
  const input = document.querySelector("#search input[type=text]");
  input.value = "";
  input.dispatchEvent(new Event("input", {bubbles: true}));
  while (document.querySelector(".pagefind-ui__result-link")) { await new Promise(requestAnimationFrame); }
}"""

API = """async ([term, source]) => {
  if (!window.__pagefind) {
    const response = await fetch("/pagefind/periods.json");      // none: one bundle, of an earlier version
    const paths = response.ok ? (await response.json()).periods.map(period => `/pagefind/${period.name}/`)
                              : ["/pagefind/"];
    const pagefind = await import(paths[0] + "pagefind.js");
    await pagefind.options({bundlePath: paths[0]});
    for (const path of paths.slice(1)) { await pagefind.mergeIndex(path); }
    window.__pagefind = pagefind;
  }
  const started = performance.now();
  const found = await window.__pagefind.search(term, {filters: {source: source}});
  await Promise.all(found.results.slice(0, 5).map(result => result.data()));
  return [performance.now() - started, found.results.length];
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site (its output/ folder is served) or an output folder")
    parser.add_argument("--queries", type=int, default=9, help="queries after the first (default 9)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--first-after", type=int, default=0, metavar="MS",
                        help="type the first query this long after the page loaded (default 0: at once)")
    args = parser.parse_args()
    output = args.site / "output" if (args.site / "output" / "search").is_dir() else args.site
    with served(output) as address:
        report = measure(address, output, args.queries + 1, args.seed, args.first_after)
    print(json.dumps(report, indent=2))


def query_terms(output: Path, count: int, seed: int, source: str | None) -> list[str]:
    """`count` different words (of six letters or more) from the titles of randomly picked articles (of
    `source`, if given)."""
    pages = sorted((output / "articles").rglob("index.html"))
    rng = random.Random(seed)
    terms: list[str] = []
    for page in rng.sample(pages, len(pages)):
        text = page.read_text(encoding="utf-8")
        found, outlet = _TITLE.search(text), _SOURCE.search(text)
        if source is not None and (not outlet or html.unescape(outlet[1]).strip() != source):
            continue
        words = [w for w in re.findall(r"\w+", html.unescape(found[1]).lower()) if len(w) >= 6] if found else []
        if words and (word := rng.choice(words)) not in terms:
            terms.append(word)
        if len(terms) == count:
            return terms
    raise SystemExit(f"{output}: not enough article titles to pick {count} queries from")


@contextmanager
def served(folder: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def measure(address: str, output: Path, count: int, seed: int, first_after: int = 0) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(f"{address}/search/")
            tab.wait_for_timeout(first_after)
            first = query_terms(output, 1, seed, None)[0]
            page_times = [tab.evaluate(TYPE_AND_WAIT, first)]       # loads Pagefind: the filters show
            source = check_a_source(tab)
            terms = [first, *query_terms(output, count - 1, seed, source)]
            for term in terms[1:]:
                tab.evaluate(CLEAR)
                page_times.append(tab.evaluate(TYPE_AND_WAIT, term))
            api = browser.new_page()
            api.goto(f"{address}/")         # not the search page, which merges the bundles itself
            api_runs = [api.evaluate(API, [term, source]) for term in terms]
        finally:
            browser.close()
    return {"queries": terms, "filter": {"source": source}, "periods": periods(address), "first_after_ms": first_after,
            "page_first_ms": round(page_times[0], 1), "page_median_ms": round(statistics.median(page_times[1:]), 1),
            "page_ms": [round(t, 1) for t in page_times],
            "api_first_ms": round(api_runs[0][0], 1), "api_median_ms": round(statistics.median(t for t, _ in api_runs[1:]), 1),
            "api_ms": [round(t, 1) for t, _ in api_runs], "results": [n for _, n in api_runs]}


def check_a_source(tab: Any) -> str:
    """Open the source filter of the search page and check its first value; that value."""
    tab.locator(".pagefind-ui__filter-name", has_text="source").click(timeout=30_000)
    box = tab.locator('input.pagefind-ui__filter-checkbox[name="source"]').first
    box.check()
    return str(box.get_attribute("value"))


def periods(address: str) -> int:
    """How many bundles the search page merges."""
    from urllib.error import HTTPError
    from urllib.request import urlopen
    try:
        with urlopen(f"{address}/pagefind/periods.json") as response:
            return len(json.loads(response.read())["periods"])
    except HTTPError:
        return 1


if __name__ == "__main__":
    main()
