// Browser tests of the web edition `gazette site` writes:
//
//   SITE=<site folder> [SCREENSHOTS=<folder>] node --test site.test.mjs
//
// SITE holds the sealed sample edition 2025/08 (samples/shanghai-gazette-2025-08)
// and a second edition of another year with the same documents, 2026/01
// (tests/interop/site.sh builds both), so that the year filter has something
// to narrow. The site is served under a sub-path, and read from file:// and
// with JavaScript off; every request must stay on the site.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { SITE, serve, launch, axeViolations } from "./harness.mjs";

const SHOTS = process.env.SCREENSHOTS || "/tmp/site-shots";
const PREFIX = "/gazette/web/";
// The Traditional circular 滬府辦字〔2025〕5號 is the 8th document of the sample.
const HANT = "2025/08/08.html";

let served, browser;

before(async () => {
  served = await serve(PREFIX);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  served?.server.close();
});

// A fresh page; every request it makes is recorded, script errors fail.
async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(e));
  if (url) await page.goto(url);
  return { context, page, requests, errors };
}

function assertLocal(requests, origin = served.origin) {
  for (const url of requests) {
    assert.ok(url.startsWith(origin + "/") || url.startsWith("file:") || url.startsWith("data:") ||
      url.startsWith("blob:"), `request left the site: ${url}`);
  }
}

// Every file of the site under `dir`, relative to SITE.
function walk(dir = SITE) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [path.relative(SITE, full)];
  });
}

// Every http(s) URL a page, style sheet, script or SVG of the site holds,
// except those no browser loads: an XML namespace name (xmlns="http://www.w3.org/…")
// and the fixed base Pagefind's runtime parses relative URLs against
// (new URL(`https://example.com${path}`)), which never leaves the string.
export function foreignUrls(file, text) {
  const found = [];
  for (const match of text.matchAll(/https?:\/\/[^\s"'`<>)\\]*/gi)) {
    const before = text.slice(Math.max(0, match.index - 40), match.index);
    if (/xmlns(:\w+)?=["']$/.test(before) && /^http:\/\/www\.w3\.org\//.test(match[0])) continue;
    if (file.startsWith("pagefind/") && /new URL\(`$/.test(before) && match[0].startsWith("https://example.com${")) continue;
    found.push(`${file}: ${match[0]}`);
  }
  return found;
}

test("no page, style sheet or script names a URL on another host", () => {
  const files = walk().filter((f) => /\.(html|css|js|mjs|svg)$/.test(f));
  assert.ok(files.length > 20, `pages and assets found: ${files.length}`);
  assert.ok(files.includes("index.html") && files.includes("assets/site.css") && files.includes("pagefind/pagefind.js"));
  const found = files.flatMap((f) => foreignUrls(f, fs.readFileSync(path.join(SITE, f), "utf8")));
  assert.deepEqual(found, []);
  // The scan itself finds what it is for.
  assert.equal(foreignUrls("x.html", '<script src="https://cdn.example/x.js"></script>').length, 1);
  assert.equal(foreignUrls("x.css", "body { background: url(http://a.example/b.png) }").length, 1);
  assert.equal(foreignUrls("x.js", 'import("https://esm.example/m.js")').length, 1);
});

// The pages a reader goes through, found by the links a reader would use.
async function walkThrough(page, base) {
  const seen = {};
  await page.goto(`${base}index.html`);
  seen.home = page.url();
  await page.getByRole("main").getByRole("link", { name: "2025年", exact: true }).click();
  seen.year = page.url();
  assert.equal(await page.locator("h1").innerText(), "2025年上海市人民政府公报");
  await page.getByRole("main").getByRole("link", { name: /2025年第8期/ }).click();
  seen.issue = page.url();
  assert.match(await page.locator("h1").innerText(), /2025年第8期/);
  await page.getByRole("main").getByRole("link", { name: /关于进一步提振消费扩大内需的若干措施/ }).first().click();
  seen.document = page.url();
  assert.match(await page.locator("h1").innerText(), /关于进一步提振消费扩大内需的若干措施/);
  assert.ok((await page.locator("article").innerText()).length > 200, "the document's text is on its page");
  return seen;
}

test("home → year → issue → document → the document's PDF, under a sub-path", async () => {
  const { context, page, requests, errors } = await open();
  const seen = await walkThrough(page, served.base);
  assert.deepEqual(Object.values(seen).map((u) => u.slice(served.base.length)),
    ["index.html", "2025/index.html", "2025/08/index.html", "2025/08/01.html"]);
  const pdf = page.getByRole("link", { name: "本件PDF" });
  const href = new URL(await pdf.getAttribute("href"), page.url()).href;
  assert.equal(href, `${served.base}2025/08/files/documents/shanghai-gazette-2025-08-01.pdf`);
  const response = await context.request.get(href);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["content-type"], "application/pdf");
  assert.equal((await response.body()).subarray(0, 5).toString(), "%PDF-");
  // The crumbs lead back up.
  await page.getByRole("navigation", { name: "当前位置" }).getByRole("link", { name: "2025年", exact: true }).click();
  assert.equal(page.url(), `${served.base}2025/index.html`);
  assertLocal(requests);
  assert.deepEqual(errors, []);
  await context.close();
});

test("with JavaScript off, every page reads and the search page says why it needs it", async () => {
  const { context, page, requests } = await open(undefined, { javaScriptEnabled: false });
  await walkThrough(page, served.base);
  await page.goto(`${served.base}${HANT}`);
  assert.match(await page.locator("article").innerText(), /依法履行政府信息公開職責/);
  await page.goto(`${served.base}search/index.html`);
  assert.match(await page.locator("main").innerText(), /需要启用 JavaScript/);
  assertLocal(requests);
  await context.close();
});

test("from file:// the relative links work", async () => {
  const { context, page, requests } = await open();
  const base = pathToFileURL(SITE).href + "/";
  await walkThrough(page, base);
  const href = new URL(await page.getByRole("link", { name: "本件PDF" }).getAttribute("href"), page.url());
  assert.ok(fs.existsSync(fileURLToPath(href)), `${href} is a file of the site`);
  for (const url of requests) assert.ok(url.startsWith("file:"), `request left the disk: ${url}`);
  await context.close();
});

test("the Traditional circular is marked zh-Hant, the rest of the site zh-Hans", async () => {
  const { context, page } = await open(`${served.base}${HANT}`);
  const lang = await page.$eval("h1", (h) => h.closest("[lang]").getAttribute("lang"));
  assert.equal(lang, "zh-Hant");
  assert.equal(await page.$eval("#document", (el) => el.closest("[lang]").getAttribute("lang")), "zh-Hant");
  // The site's own words around it (navigation, facts, footer) stay Simplified.
  assert.equal(await page.getAttribute("html", "lang"), "zh-Hans");
  assert.equal(await page.$eval(".facts dt", (el) => el.closest("[lang]").getAttribute("lang")), "zh-Hans");
  assert.equal(await page.$eval(".crumbs [aria-current]", (el) => el.closest("[lang]").getAttribute("lang")), "zh-Hant");
  await page.goto(`${served.base}2025/08/index.html`);
  assert.equal(await page.getAttribute("html", "lang"), "zh-Hans");
  const link = page.getByRole("link", { name: /政務公開工作要點/ });
  assert.equal(await link.getAttribute("lang"), "zh-Hant");
  await page.goto(`${served.base}2025/08/01.html`);
  assert.equal(await page.getAttribute("html", "lang"), "zh-Hans");
  await context.close();
});

test("keyboard: the first Tab shows the skip link, which leads into the page's main", async () => {
  const { context, page } = await open(`${served.base}2025/08/index.html`);
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return { text: el.textContent, visible: box.left >= 0 && box.top >= 0 && box.width > 0 };
  });
  assert.deepEqual(skip, { text: "跳到正文", visible: true });
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => document.activeElement.closest("main") !== null),
    "Tab after the skip link lands in main");
  // A focused link is outlined.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, "solid");
  await context.close();
});

// The search page after `query` is typed and submitted (with the keyboard).
async function search(page, query, filters = {}) {
  await page.goto(`${served.base}search/index.html`);
  await page.waitForFunction(() => document.getElementById("filter-year").options.length > 1);
  for (const [id, value] of Object.entries(filters)) await page.selectOption(`#filter-${id}`, value);
  await page.fill("#search-input", query);
  await page.press("#search-input", "Enter");
  await page.waitForFunction(() => /找到|没有找到|无法/.test(document.getElementById("search-status").textContent));
  return page.$$eval("#search-results li", (items) => items.map((li) => {
    const a = li.querySelector("a");
    return { path: new URL(a.href).pathname, title: a.textContent,
      meta: li.querySelector(".result-meta").textContent, lang: a.closest("[lang]").getAttribute("lang") };
  }));
}

const PHRASES = [
  // Traditional, from the body of 滬府辦字〔2025〕5號.
  ["依法履行政府信息公開職責", "08.html", /政務公開工作要點/],
  // Simplified, from the bodies of three other documents.
  ["既有多层住宅加装电梯", "06.html", /加装电梯三年行动方案/],
  ["确保本地机组稳发满发", "09.html", /迎峰度夏电力保供/],
  ["防汛防台主体责任", "03.html", /主汛期防汛防台/],
];

for (const [phrase, file, title] of PHRASES) {
  test(`search: “${phrase}” finds ${file} first`, async () => {
    const { context, page, requests, errors } = await open();
    const results = await search(page, phrase);
    console.log(`  search “${phrase}”: ${results.map((r) => r.path.slice(PREFIX.length)).join(", ")}`);
    assert.ok(results.length >= 1, `no result for ${phrase}`);
    assert.match(results[0].path, new RegExp(`^${PREFIX}20\\d\\d/\\d\\d/${file.replace(".", "\\.")}$`));
    assert.match(results[0].title, title);
    // Each result says where it was published and is marked in its own script.
    const issue = results[0].path.includes("/2025/08/") ? "2025年第8期" : "2026年第1期";
    assert.match(results[0].meta, new RegExp(`^上海市人民政府公报${issue}（总第51[23]期）　\\S+`));
    assert.equal(results[0].lang, file === "08.html" ? "zh-Hant" : "zh-Hans");
    // The same document of the other year's edition is the only other close match.
    assert.ok(results.slice(0, 2).every((r) => r.path.endsWith(`/${file}`)), JSON.stringify(results));
    // The result link opens the document.
    await page.click("#search-results li a >> nth=0");
    assert.match(await page.locator("h1").innerText(), title);
    assertLocal(requests);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("search: the year and section filters narrow the results", async () => {
  const { context, page } = await open();
  const years = await (async () => {
    await page.goto(`${served.base}search/index.html`);
    await page.waitForFunction(() => document.getElementById("filter-year").options.length > 1);
    return page.$$eval("#filter-year option", (o) => o.map((x) => x.value));
  })();
  assert.deepEqual(years, ["", "2026", "2025"]);
  const all = await search(page, "依法履行政府信息公開職責");
  assert.ok(all.length >= 2, JSON.stringify(all));
  const in2025 = await search(page, "依法履行政府信息公開職責", { year: "2025" });
  assert.deepEqual(in2025.map((r) => r.path), [`${PREFIX}2025/08/08.html`]);

  const notices = await search(page, "通知");
  const appointments = await search(page, "通知", { section: "人事任免" });
  assert.ok(appointments.length > 0 && appointments.length < notices.length,
    `${appointments.length} of ${notices.length}`);
  for (const r of appointments) assert.match(r.path, /\/(13|14)\.html$/, JSON.stringify(r));
  const both = await search(page, "通知", { section: "人事任免", year: "2026" });
  assert.deepEqual(both.map((r) => r.path).sort(), [`${PREFIX}2026/01/13.html`, `${PREFIX}2026/01/14.html`]);
  await context.close();
});

// Each kind of page, ready to be looked at: the verify page with a verdict,
// the search page with results.
const KINDS = [
  ["home", "index.html"],
  ["year", "2025/index.html"],
  ["issue", "2025/08/index.html"],
  ["document", "2025/08/01.html"],
  ["document-zh-Hant", HANT],
  ["search", "search/index.html", async (page) => {
    await page.waitForFunction(() => document.getElementById("filter-year").options.length > 1);
    await page.fill("#search-input", "加装电梯");
    await page.press("#search-input", "Enter");
    await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0);
  }],
  ["verify", "verify/index.html", async (page) => {
    await page.context().setOffline(true);
    await page.setInputFiles("#verify-file", { name: "shanghai-gazette-2025-08-01.pdf", mimeType: "application/pdf",
      buffer: fs.readFileSync(path.join(SITE, "2025/08/files/documents/shanghai-gazette-2025-08-01.pdf")) });
    await page.waitForFunction(() => document.getElementById("verify-result").dataset.verdict, null, { timeout: 60000 });
  }],
];

for (const [kind, file, ready] of KINDS) {
  test(`${kind} page: axe-core finds no violations; 375 px and 1280 px screenshots; no sideways scroll`, async () => {
    for (const width of [375, 1280]) {
      const { context, page, errors } = await open(undefined, { viewport: { width, height: 800 } });
      await page.goto(`${served.base}${file}`);
      if (ready) await ready(page);
      if (width === 375) {
        assert.deepEqual(await axeViolations(page), [], `axe on ${file}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${file} scrolls ${overflow} px sideways at 375 px`);
        const small = await page.evaluate(() => Array.from(document.querySelectorAll("main p, main li, main dd"))
          .filter((el) => el.offsetParent && parseFloat(getComputedStyle(el).fontSize) < 12).length);
        assert.equal(small, 0, "no text under 12 px at 375 px");
      } else {
        assert.deepEqual(await axeViolations(page), [], `axe on ${file} at ${width} px`);
      }
      await page.screenshot({ path: path.join(SHOTS, `${kind}-${width}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}
