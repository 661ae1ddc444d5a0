// The archive's search, as the Pagefind UI imports it (its `bundlePath` is this folder): every period's
// Pagefind bundle (listed in periods.json) merged and searched as one, without the pages a bundle gives
// for a word it does not hold.
//
// Pagefind looks a word missing from a bundle up by the longest prefix the bundle holds ("Nomura" as "no",
// Pagefind issue 793), so every period without the word would answer with unrelated pages, the shortest
// (an entity's) first. A word that some page holds whole is also searched exactly (a quoted search: by its
// stem, never by a prefix), and only the pages that hold each such word are kept. A word still being typed
// (no page holds it whole) is left to Pagefind's prefixes, which complete it.
const element = document.getElementById("search");
const bundle = new URL(element.dataset.bundle, document.baseURI).href;
const base = element.dataset.base;

const listing = await (await fetch(bundle + "periods.json", { cache: "no-cache" })).json();
const paths = listing.periods.map((period) => bundle + period.name + "/");
if (!paths.length) {
  throw new Error("nothing to search yet");
}
const pagefind = await import(paths[0] + "pagefind.js");
await pagefind.options({ baseUrl: base });
// Every bundle at once, and the filter files too, before the first query.
const merged = Promise.all(paths.slice(1).map((path) => pagefind.mergeIndex(path, { baseUrl: base })))
  .then(() => pagefind.filters());

/** The query's words, as a quoted search takes them one by one. */
function words(term) {
  return term.replace(/"/g, " ").split(/\s+/).filter((word) => word.length > 0);
}

export const options = (settings) => pagefind.options(settings);
export const mergeIndex = (path, settings) => pagefind.mergeIndex(path, settings);
export const destroy = () => pagefind.destroy();

export async function filters() {
  await merged;
  return pagefind.filters();
}

export async function preload(term, settings = {}) {
  await merged;
  return pagefind.preload(term, settings);
}

export async function search(term, settings = {}) {
  await merged;
  const found = await pagefind.search(term, settings);
  if (!found || !term || /^\s*".+"\s*$/.test(term)) {
    return found;                                   // no term, or already an exact search
  }
  const asked = words(term);
  const exact = await Promise.all(asked.map((word) => pagefind.search(`"${word}"`, settings)));
  const held = exact.filter((answer) => answer && answer.results.length > 0);
  if (!held.length) {
    return found;
  }
  const holders = held.map((answer) => new Set(answer.results.map((result) => result.id)));
  const results = found.results.filter((result) => holders.every((ids) => ids.has(result.id)));
  // The filters' counts: those of the exact search when it alone decides (one word), else Pagefind's.
  const counts = asked.length === 1 ? held[0] : found;
  return { ...found, results, unfilteredResultCount: results.length,
           filters: counts.filters, totalFilters: counts.totalFilters };
}
