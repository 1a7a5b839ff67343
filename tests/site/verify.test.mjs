// Browser tests of the site's verify page (templates/site/assets/verify.js),
// on the site `gazette site` wrote:
//
//   SITE=<site folder> node --test verify.test.mjs
//
// Serves SITE on 127.0.0.1, opens verify/index.html in Debian's chromium
// (headless, never a downloaded browser), cuts the network and drops the
// sealed sample edition's (2025/08) files as the site publishes them, then
// copies of them with one byte changed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { SITE, serve, launch, axeViolations, verdict, drop } from "./harness.mjs";

const FILES = path.join(SITE, "2025/08/files");
const manifest = JSON.parse(fs.readFileSync(path.join(FILES, "manifest.json"), "utf8"));
const id = manifest.edition.id;
const read = (rel) => fs.readFileSync(path.join(FILES, rel));
const EDITION_NAME = `${manifest.edition.title} ${manifest.edition.year}年第${manifest.edition.number}期`;
const doc1 = manifest.documents[0];

let server, origin, browser;

before(async () => {
  ({ server, origin } = await serve("/"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

// A fresh page on the verify page; every request it makes must stay on the site.
async function openVerify(query = "") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => { throw e; });
  await page.goto(`${origin}/verify/index.html${query}`);
  return { context, page, requests };
}

function assertLocal(requests) {
  for (const url of requests) assert.ok(url.startsWith(origin + "/"), `request left the site: ${url}`);
}

// The same bytes with one changed, well inside the file (or at `at`).
function tamper(bytes, at = Math.floor(bytes.length / 2)) {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}

const SIGNER = /由.+签章。/;

function assertAuthentic(r, zhName) {
  assert.equal(r.verdict, "authentic", r.text);
  assert.ok(r.text.includes(`真实有效：${zhName}`), r.text);
  assert.match(r.text, SIGNER);
  assert.ok(r.text.includes(`由${manifest.edition.publisher}发布`), r.text);
  assert.match(r.text, /Authentic: .+, published 15 August 2025 by .+, sealed by .+\./);
}

function assertNotAuthentic(r, mention) {
  assert.equal(r.verdict, "not-authentic", r.text);
  assert.ok(r.text.includes("不是本公报发布的文件——它可能已被改动。"), r.text);
  assert.ok(r.text.includes("Not a file this gazette published — it may have been changed."), r.text);
  if (mention) assert.ok(r.text.includes(mention), `expected "${mention}" in: ${r.text}`);
}

test("offline: real files are authentic, each changed copy is not", async () => {
  const { context, page, requests } = await openVerify();
  await context.setOffline(true);

  const pdf = read(`${id}.pdf`);
  let r = await drop(page, `${id}.pdf`, pdf);
  assertAuthentic(r, EDITION_NAME);
  assert.deepEqual(r.links, ["../2025/08/index.html"]);
  assertNotAuthentic(await drop(page, `${id}.pdf`, tamper(pdf)), "SHA-256");

  const docPdf = read(`documents/${id}-01.pdf`);
  r = await drop(page, `${id}-01.pdf`, docPdf);
  assertAuthentic(r, doc1.title);
  assert.deepEqual(r.links, ["../2025/08/01.html"]);
  assertNotAuthentic(await drop(page, `${id}-01.pdf`, tamper(docPdf)));

  const epub = read(`${id}.epub`);
  assertAuthentic(await drop(page, `${id}.epub`, epub), EDITION_NAME);
  assertNotAuthentic(await drop(page, `${id}.epub`, tamper(epub)));

  // The package: authentic; then one byte changed inside its stored PDF entry,
  // found by the PDF's own bytes (the entry is stored, so they appear as is):
  // a run of them that occurs once in the zip (the document PDFs share many).
  const zip = read(`${id}.bag.zip`);
  r = await drop(page, `${id}.bag.zip`, zip);
  assertAuthentic(r, EDITION_NAME);
  assert.match(r.text, /All \d+ files under data\/ match the package.s manifests/);
  let at = -1;
  for (let off = Math.floor(pdf.length / 2); off + 64 < pdf.length && at < 0; off += 4096) {
    const first = zip.indexOf(pdf.subarray(off, off + 64));
    if (first >= 0 && zip.indexOf(pdf.subarray(off, off + 64), first + 1) < 0) at = first;
  }
  assert.ok(at > 0, "a run of the stored PDF's bytes found once in the zip");
  assertNotAuthentic(await drop(page, `${id}.bag.zip`, tamper(zip, at + 10)), `data/edition/${id}.pdf`);

  // Something no manifest lists.
  assertNotAuthentic(await drop(page, "manifest.json", read("manifest.json")), "SHA-256");

  assertLocal(requests);
  await context.close();
});

test("the file input verifies like a drop", async () => {
  const { context, page } = await openVerify();
  await context.setOffline(true);
  await page.setInputFiles("#verify-file", { name: `${id}-02.pdf`, mimeType: "application/pdf",
    buffer: read(`documents/${id}-02.pdf`) });
  assertAuthentic(await verdict(page), manifest.documents[1].title);
  await context.close();
});

test("?code= names the document whose manifest carries it, or says none does", async () => {
  let { context, page, requests } = await openVerify(`?code=${encodeURIComponent(doc1.verification_code)}`);
  let r = await verdict(page);
  assertAuthentic(r, doc1.title);
  assert.ok(r.text.includes(doc1.verification_code), r.text);
  assert.deepEqual(r.links, ["../2025/08/01.html"]);
  assertLocal(requests);
  await context.close();

  ({ context, page } = await openVerify(`?code=${encodeURIComponent(manifest.verification_code.toLowerCase())}`));
  assertAuthentic(await verdict(page), EDITION_NAME);
  await context.close();

  ({ context, page } = await openVerify("?code=ZZZZ-ZZZZ-ZZZZ"));
  r = await verdict(page);
  assert.equal(r.verdict, "not-authentic", r.text);
  assert.ok(r.text.includes("No page this gazette published carries the code ZZZZ-ZZZZ-ZZZZ."), r.text);
  await context.close();
});

test("?file= fetches a file of the site and verifies it", async () => {
  let { context, page, requests } = await openVerify(`?file=${encodeURIComponent(`../2025/08/files/${id}.pdf`)}`);
  assertAuthentic(await verdict(page), EDITION_NAME);
  assertLocal(requests);
  await context.close();

  ({ context, page } = await openVerify("?file=../no-such-file.pdf"));
  assert.equal((await verdict(page)).verdict, "error");
  await context.close();
});

test("axe-core finds no accessibility violations on the verify page", async () => {
  const { context, page } = await openVerify();
  await context.setOffline(true);
  const check = async (when) => assert.deepEqual(await axeViolations(page), [], `axe violations ${when}`);
  await check("before a file is given");
  await drop(page, `${id}-01.pdf`, tamper(read(`documents/${id}-01.pdf`)));
  await check("with a verdict shown");
  await context.close();
});

// The seal is what makes a listed digest count: with no pinned root that the
// chain reaches, or a published manifest whose bytes differ from the signed
// ones, the very same real file is not authentic.
test("a listed file is not authentic when the manifest's seal does not hold", async () => {
  const pdf = read(`${id}.pdf`);

  let { context, page } = await openVerify();
  await page.route("**/assets/trust.js", (route) =>
    route.fulfill({ contentType: "text/javascript", body: "window.GAZETTE_TRUST = { roots: [] };" }));
  await page.reload();
  await context.setOffline(true);
  assertNotAuthentic(await drop(page, `${id}.pdf`, pdf), "trusted root");
  await context.close();

  ({ context, page } = await openVerify());
  await page.route("**/assets/manifests.js", async (route) => {
    const body = (await route.fetch().then((r) => r.text()));
    const list = JSON.parse(body.replace(/^window\.GAZETTE_MANIFESTS = /, "").replace(/;\s*$/, ""));
    const json = Buffer.from(list[0].manifest, "base64").toString("utf8");
    list[0].manifest = Buffer.from(json.replace(manifest.edition.publisher, "某某办公厅")).toString("base64");
    await route.fulfill({ contentType: "text/javascript", body: `window.GAZETTE_MANIFESTS = ${JSON.stringify(list)};` });
  });
  await page.reload();
  await context.setOffline(true);
  assertNotAuthentic(await drop(page, `${id}.pdf`, pdf), "manifest.json");
  await context.close();
});

if (process.env.SHOW) {
  test("show the verdicts", async () => {
    const { context, page } = await openVerify();
    for (const f of [`${id}.pdf`, `documents/${id}-03.pdf`, `${id}.bag.zip`]) {
      console.log((await drop(page, path.basename(f), read(f))).text);
      console.log((await drop(page, path.basename(f), tamper(read(f)))).text);
    }
    await context.close();
  });
}
