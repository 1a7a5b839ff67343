// The site's verify page as one more independent verifier of the
// conformance vectors (tests/interop/agreement.sh):
//
//   SITE=<site of package-valid.zip> VECTORS=<dir> OUT=<file.json> node vectors.mjs
//
// Serves SITE on 127.0.0.1, opens its verify page in Debian's chromium
// (headless) and drops each vector file of VECTORS (<id>.pdf, .epub or .zip,
// as `GAZETTE_VECTORS_OUT` writes them) on it, as a visitor would. OUT gets
// the page's verdict for each: {"<id>": "authentic" | "not-authentic" |
// "error"}. Every request must stay on the site.
import fs from "node:fs";
import path from "node:path";
import { serve, launch, drop } from "./harness.mjs";

const VECTORS = process.env.VECTORS;
const OUT = process.env.OUT;
if (!VECTORS || !OUT) {
  console.error("set VECTORS to the vectors' folder and OUT to the JSON to write");
  process.exit(2);
}

const files = fs.readdirSync(VECTORS)
  .filter((name) => /\.(pdf|epub|zip)$/.test(name))
  .sort();
const { server, origin } = await serve("/");
const browser = await launch();
const verdicts = {};
try {
  // The verify page loaded afresh for each vector, as each visitor's would
  // be: a new document, so nothing one file leaves behind (its objects, a
  // run still going) touches the next. One tab serves them all; a new tab
  // for each costs twice the time, and tabs side by side gain nothing on
  // this CPU-bound work.
  const page = await browser.newPage();
  page.on("request", (request) => {
    if (!request.url().startsWith(origin + "/")) throw new Error(`request left the site: ${request.url()}`);
  });
  for (const name of files) {
    await page.goto(`${origin}/verify/index.html`);
    const bytes = fs.readFileSync(path.join(VECTORS, name));
    const result = await drop(page, name, bytes);
    if (result.verdict === "error") console.error(`${name}: ${result.text}`);
    verdicts[name.replace(/\.[a-z]+$/, "")] = result.verdict;
  }
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(OUT, JSON.stringify(verdicts, null, 2) + "\n");
console.log(`${files.length} vectors judged by the verify page`);
