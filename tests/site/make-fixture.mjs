// A stand-in for the site `gazette site` will write, just enough for verify.test.mjs:
//   node make-fixture.mjs <edition folder> <root.pem> <out folder>
// writes <out>/verify/index.html, <out>/assets/ (templates/site/assets plus a
// generated trust.js and manifests.js) and the edition's PDF under <out>/2025/08/.
// To be dropped once the real site exists.
import fs from "node:fs";
import path from "node:path";

const [edition, rootPem, out] = process.argv.slice(2);
const id = path.basename(path.resolve(edition));
const b64 = (file) => fs.readFileSync(file).toString("base64");
const manifest = JSON.parse(fs.readFileSync(path.join(edition, "manifest.json"), "utf8"));
const roots = fs.readFileSync(rootPem, "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+/g)
  .map((pem) => pem.replace("-----BEGIN CERTIFICATE-----", "").replace(/\s/g, ""));

fs.rmSync(out, { recursive: true, force: true });
fs.cpSync(new URL("../../templates/site/assets", import.meta.url), path.join(out, "assets"), { recursive: true });
fs.writeFileSync(path.join(out, "assets/trust.js"), `window.GAZETTE_TRUST = ${JSON.stringify({ roots })};\n`);
fs.writeFileSync(path.join(out, "assets/manifests.js"), `window.GAZETTE_MANIFESTS = ${JSON.stringify([{
  id,
  href: "../2025/08/index.html",
  documents: manifest.documents.map((_, i) => `../2025/08/${String(i + 1).padStart(2, "0")}.html`),
  manifest: b64(path.join(edition, "manifest.json")),
  signature: b64(path.join(edition, "manifest.json.p7s")),
}], null, 1)};\n`);
fs.mkdirSync(path.join(out, "2025/08"), { recursive: true });
fs.copyFileSync(path.join(edition, `${id}.pdf`), path.join(out, `2025/08/${id}.pdf`));
fs.mkdirSync(path.join(out, "verify"));
fs.writeFileSync(path.join(out, "verify/index.html"), `<!doctype html>
<html lang="zh-Hans">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>核验文件 Verify a file</title></head>
<body>
<main>
<h1>核验文件 <span lang="en">Verify a file</span></h1>
<div id="verify-drop">
<p>把 PDF、EPUB 或档案包拖到这里，或 <label for="verify-file">选择文件 <span lang="en">choose a file</span></label></p>
<input type="file" id="verify-file">
</div>
<div id="verify-result" role="status" aria-live="polite"></div>
</main>
<script src="../assets/vendor/crypto.js"></script>
<script src="../assets/trust.js"></script>
<script src="../assets/manifests.js"></script>
<script src="../assets/verify.js"></script>
</body>
</html>
`);
console.log(`fixture site for ${id} in ${out}`);
