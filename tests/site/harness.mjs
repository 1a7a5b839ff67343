// What the browser tests share: the built site served by node's http module
// on 127.0.0.1 (a random port, optionally under a sub-path), and Debian's
// chromium driven by playwright-core (headless; never a downloaded browser).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium } from "playwright-core";

export const SITE = process.env.SITE ? path.resolve(process.env.SITE) : undefined;
if (!SITE) {
  console.error("set SITE to a folder `gazette site` wrote");
  process.exit(2);
}
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".css": "text/css", ".svg": "image/svg+xml",
  ".png": "image/png", ".jpg": "image/jpeg", ".pdf": "application/pdf",
  ".epub": "application/epub+zip", ".zip": "application/zip", ".json": "application/json",
  ".xml": "application/xml", ".p7s": "application/pkcs7-signature",
  ".txt": "text/plain; charset=utf-8", ".wasm": "application/wasm",
};

// Serves SITE under `prefix` ("/" or "/a/sub/path/"); resolves to its origin
// and base URL.
export async function serve(prefix = "/") {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404).end("not found"); return; }
    let file = path.join(SITE, decodeURIComponent(url.pathname.slice(prefix.length)));
    if (file !== SITE && !file.startsWith(SITE + path.sep)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) { res.writeHead(404).end("not found"); return; }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, base: origin + prefix };
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
}

// axe-core's findings on the page as it is now, one line each.
export async function axeViolations(page) {
  const source = fs.readFileSync(new URL(import.meta.resolve("axe-core/axe.min.js")), "utf8");
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(() => window.axe.run(document));
  return result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

// The verify page's verdict once it has one: data-verdict ("authentic",
// "not-authentic" or "error"), the text shown and the links in it.
export async function verdict(page) {
  await page.waitForFunction(() => document.getElementById("verify-result").dataset.verdict, null, { timeout: 60000 });
  return page.$eval("#verify-result", (el) => ({ verdict: el.dataset.verdict, text: el.innerText,
    links: Array.from(el.querySelectorAll("a"), (a) => a.getAttribute("href")) }));
}

// Drops bytes on #verify-drop as a browser drag and drop would.
export async function drop(page, name, bytes) {
  await page.$eval("#verify-result", (el) => { delete el.dataset.verdict; });
  const dataTransfer = await page.evaluateHandle(({ name, b64 }) => {
    const bin = atob(b64);
    const data = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([data], name));
    return dt;
  }, { name, b64: Buffer.from(bytes).toString("base64") });
  await page.dispatchEvent("#verify-drop", "dragover", { dataTransfer });
  await page.dispatchEvent("#verify-drop", "drop", { dataTransfer });
  return verdict(page);
}
