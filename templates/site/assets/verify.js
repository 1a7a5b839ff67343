// The site's verify page: tells a visitor whether a PDF, EPUB or archival
// package (.bag.zip) is one this gazette published, without sending it anywhere.
//
// Everything it needs is already loaded with the page, before this script:
//   assets/vendor/crypto.js  window.GazetteLib: pkijs, asn1js, fflate's unzipSync
//   assets/trust.js          window.GAZETTE_TRUST = { roots: [base64 DER, ...] }
//   assets/manifests.js      window.GAZETTE_MANIFESTS = [{ id, href, documents,
//                            manifest: base64 of manifest.json, signature: base64 of its .p7s }]
// so it keeps working with the network cut once the page is loaded.
//
// A file is authentic when its SHA-256 and size are listed in a published
// manifest.json whose CMS signature chains, at the edition's date, to a pinned
// root. A package is authentic when its own manifest.json is one the site
// published, its signature holds, and every file in it is the one listed.
// The page shows the verdict in #verify-result with data-verdict set to
// "authentic", "not-authentic" or "error".

(() => {
  "use strict";

  const lib = window.GazetteLib;
  const trust = window.GAZETTE_TRUST || { roots: [] };
  const published = window.GAZETTE_MANIFESTS || [];

  const resultBox = document.getElementById("verify-result");
  const fileInput = document.getElementById("verify-file");
  const dropZone = document.getElementById("verify-drop");

  const MANIFEST_SCHEMA = "urn:gazette:schema:verification-manifest:1";
  const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
  const OID_ORGANIZATION = "2.5.4.10";
  const OID_COMMON_NAME = "2.5.4.3";
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  // ---------------------------------------------------------------- bytes

  function fromBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // pkijs wants ArrayBuffers of exactly the bytes, but fflate hands out views
  // into larger buffers: copy when the view does not cover its whole buffer.
  function exactBuffer(bytes) {
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
    return bytes.slice().buffer;
  }

  function toHex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function sha256Hex(bytes) {
    return toHex(await crypto.subtle.digest("SHA-256", bytes));
  }

  function sameBytes(a, b) {
    if (a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // A failed check: what the visitor is told, in both languages.
  class Failure extends Error {
    constructor(zh, en) {
      super(en);
      this.zh = zh;
      this.en = en;
    }
  }

  // ------------------------------------------------------ the published editions

  // Decoded once, on first use: each published manifest with its bytes, parsed
  // JSON and SHA-256. A broken entry is skipped, not fatal for the others.
  let publishedCache = null;
  async function publishedEditions() {
    if (!publishedCache) {
      publishedCache = Promise.all(published.map(async (entry, index) => {
        try {
          const bytes = fromBase64(entry.manifest);
          return {
            index,
            entry,
            bytes,
            signature: fromBase64(entry.signature),
            json: JSON.parse(new TextDecoder().decode(bytes)),
            sha256: await sha256Hex(bytes),
          };
        } catch (e) {
          console.warn("gazette: published manifest", entry && entry.id, "is unreadable:", e);
          return null;
        }
      })).then((list) => list.filter(Boolean));
    }
    return publishedCache;
  }

  let rootsCache = null;
  function trustedRoots() {
    if (!rootsCache) {
      rootsCache = trust.roots.map((b64) => lib.Certificate.fromBER(exactBuffer(fromBase64(b64))));
    }
    return rootsCache;
  }

  // The seal's check of a published manifest is the same for every file it
  // lists, so it is done once per manifest.
  const publishedSealCache = new Map();
  function publishedSeal(edition) {
    if (!publishedSealCache.has(edition.index)) {
      publishedSealCache.set(edition.index, checkSeal(edition.bytes, edition.signature, edition.json)
        .then((signer) => ({ signer }), (failure) => ({ failure })));
    }
    return publishedSealCache.get(edition.index);
  }

  // ------------------------------------------------------------- the seal

  // Checks the detached CMS signature `p7s` over the exact bytes of a
  // manifest.json, and returns the signer's name as a person would read it.
  // Throws a Failure saying what did not hold.
  async function checkSeal(manifestBytes, p7s, manifest) {
    if (!manifest || typeof manifest.schema !== "string" ||
        !(manifest.schema === MANIFEST_SCHEMA || manifest.schema.startsWith(MANIFEST_SCHEMA + "."))) {
      throw new Failure("清单格式不受支持", "the manifest's schema is not one this page reads");
    }
    let signedData;
    try {
      const info = lib.ContentInfo.fromBER(exactBuffer(p7s));
      if (info.contentType !== OID_SIGNED_DATA) throw new Error("not SignedData");
      signedData = new lib.SignedData({ schema: info.content });
    } catch (e) {
      throw new Failure("签章无法读取", "the signature (manifest.json.p7s) cannot be read");
    }

    // The .p7s carries the whole chain; the manifest's seal.chain is a second
    // source for any certificate it lacks. Neither is trusted on its own: the
    // chain must still end at a pinned root.
    signedData.certificates = signedData.certificates || [];
    const chain = (manifest.seal && Array.isArray(manifest.seal.chain)) ? manifest.seal.chain : [];
    for (const b64 of chain) {
      try {
        const der = fromBase64(b64);
        const known = signedData.certificates.some((c) =>
          c instanceof lib.Certificate && sameBytes(new Uint8Array(c.toSchema().toBER(false)), der));
        if (!known) signedData.certificates.push(lib.Certificate.fromBER(exactBuffer(der)));
      } catch (e) {
        // A malformed extra certificate only means one fewer candidate issuer.
      }
    }

    // Without a time-stamp the seal claims the edition's time: the issue date
    // at 00:00 China time. The certificates are checked at that moment, not today.
    const date = manifest.edition && manifest.edition.date;
    const checkDate = new Date(`${date}T00:00:00+08:00`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(date)) || Number.isNaN(checkDate.getTime())) {
      throw new Failure("清单中没有有效的出版日期", "the manifest has no valid edition date");
    }

    let result;
    try {
      result = await signedData.verify({
        signer: 0,
        data: exactBuffer(manifestBytes),
        trustedCerts: trustedRoots(),
        checkChain: true,
        checkDate,
        extendedMode: true,
      });
    } catch (e) {
      // pkijs says why in e.message, e.g. "Message digest doesn't match" or
      // "Validation of signer's certificate failed: No valid certificate paths found".
      const why = (e && e.message) || String(e);
      if (e && e.code === 5) {
        throw new Failure("签章证书不能追溯到本站信任的根证书（或在出版日期不在有效期内）",
          `the seal's certificate does not chain to a trusted root at ${date} (${why})`);
      }
      throw new Failure("清单的签章不符", `the signature over manifest.json does not hold (${why})`);
    }
    if (!result || result.signatureVerified !== true) {
      throw new Failure("清单的签章不符", "the signature over manifest.json does not hold");
    }

    // The manifest names its seal certificate; the one that signed must be it.
    const signer = result.signerCertificate;
    const expected = manifest.seal && manifest.seal.certificate_sha256;
    if (expected) {
      const actual = await sha256Hex(signer.toSchema().toBER(false));
      if (actual !== String(expected).toLowerCase()) {
        throw new Failure("签章证书不是清单所列的证书",
          "the signing certificate is not the one the manifest names");
      }
    }
    return signerName(signer);
  }

  function signerName(certificate) {
    const attrs = certificate.subject.typesAndValues;
    const pick = (oid) => {
      const attr = attrs.find((a) => a.type === oid);
      return attr ? String(attr.value.valueBlock.value) : "";
    };
    return pick(OID_ORGANIZATION) || pick(OID_COMMON_NAME) || "?";
  }

  // ------------------------------------------------------------- naming

  function editionName(manifest, lang) {
    const e = manifest.edition;
    return lang === "zh" ? `${e.title} ${e.year}年第${e.number}期` : `${e.title} ${e.year}, no. ${e.number}`;
  }

  function dateText(iso, lang) {
    const [y, m, d] = String(iso).split("-").map(Number);
    if (!y || !m || !d) return String(iso);
    return lang === "zh" ? `${y}年${m}月${d}日` : `${d} ${MONTHS[m - 1]} ${y}`;
  }

  // What the verdict names: a document (by its index in manifest.documents)
  // or, with docIndex null, the edition; and the page to link to.
  function subject(edition, docIndex) {
    const manifest = edition.json;
    if (docIndex !== null && manifest.documents[docIndex]) {
      const doc = manifest.documents[docIndex];
      const title = doc.number ? `${doc.title}（${doc.number}）` : doc.title;
      return {
        zh: title,
        en: title,
        href: (edition.entry.documents || [])[docIndex] || edition.entry.href,
        linkText: "查看此文件 / View this document",
      };
    }
    return {
      zh: editionName(manifest, "zh"),
      en: editionName(manifest, "en"),
      href: edition.entry.href,
      linkText: "查看本期 / View this issue",
    };
  }

  // ------------------------------------------------------------- verdicts

  let currentRun = 0;

  function show(verdict, lines, link) {
    resultBox.replaceChildren();
    resultBox.removeAttribute("aria-busy");
    resultBox.dataset.verdict = verdict;
    for (const [cls, text] of lines) {
      const p = document.createElement("p");
      p.className = cls;
      // The English line is English (WCAG 3.1.2); names in it stay as published.
      if (cls === "verify-en") p.lang = "en";
      p.textContent = text;
      resultBox.append(p);
    }
    if (link && link.href) {
      // Only links the site itself generated, and only to pages (no javascript: etc).
      const url = new URL(link.href, location.href);
      if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "file:") {
        const p = document.createElement("p");
        const a = document.createElement("a");
        a.href = link.href;
        a.textContent = link.linkText;
        p.append(a);
        resultBox.append(p);
      }
    }
  }

  function showBusy(text) {
    resultBox.replaceChildren();
    delete resultBox.dataset.verdict;
    resultBox.setAttribute("aria-busy", "true");
    const p = document.createElement("p");
    p.textContent = text;
    resultBox.append(p);
  }

  function showAuthentic(edition, docIndex, signer, detail) {
    const what = subject(edition, docIndex);
    const e = edition.json.edition;
    show("authentic", [
      ["verify-zh", `真实有效：${what.zh}，${dateText(e.date, "zh")}由${e.publisher}发布，由${signer}签章。`],
      ["verify-en", `Authentic: ${what.en}, published ${dateText(e.date, "en")} by ${e.publisher}, sealed by ${signer}.`],
      ...(detail ? [["verify-detail", detail]] : []),
    ], what);
  }

  function showNotAuthentic(failure) {
    show("not-authentic", [
      ["verify-zh", "不是本公报发布的文件——它可能已被改动。"],
      ["verify-en", "Not a file this gazette published — it may have been changed."],
      ["verify-reason", `未通过的检查：${failure.zh}。Check failed: ${failure.en}.`],
    ]);
  }

  function showError(zh, en) {
    show("error", [
      ["verify-zh", `无法核验：${zh}`],
      ["verify-en", `Could not verify: ${en}`],
    ]);
  }

  // --------------------------------------------------- a single listed file

  // Every file a manifest lists with a size and digests: the editions and
  // each document's own files.
  function* listedFiles(manifest) {
    for (const file of manifest.artifacts || []) yield { file, docIndex: null };
    const documents = manifest.documents || [];
    for (let docIndex = 0; docIndex < documents.length; docIndex++) {
      for (const file of documents[docIndex].files || []) yield { file, docIndex };
    }
  }

  async function verifyFile(name, bytes) {
    const digest = await sha256Hex(bytes);
    let sealFailure = null;
    for (const edition of await publishedEditions()) {
      for (const { file, docIndex } of listedFiles(edition.json)) {
        if (String(file.sha256).toLowerCase() !== digest || Number(file.size) !== bytes.byteLength) continue;
        const seal = await publishedSeal(edition);
        if (seal.failure) {
          sealFailure = seal.failure;
          continue;
        }
        return { edition, docIndex, signer: seal.signer, detail: `${file.path} · SHA-256 ${digest}` };
      }
    }
    if (sealFailure) throw sealFailure;
    return null;
  }

  // ------------------------------------------------------------- a package

  function looksLikeZip(bytes) {
    return bytes.byteLength > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  }

  // The entries of a zip, or null when it is not one. Reading only the names
  // first avoids inflating an EPUB that is merely being ruled out.
  function zipNames(bytes) {
    const names = [];
    try {
      lib.unzipSync(bytes, { filter: (f) => { names.push(f.name); return false; } });
    } catch (e) {
      return null;
    }
    return names;
  }

  // BagIt manifest lines: "<hex>  data/<path>", with %25, %0D, %0A escaped (RFC 8493).
  function parseBagManifest(text) {
    const map = new Map();
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const m = /^([0-9a-fA-F]+)[ \t]+\*?(.+)$/.exec(line.replace(/\r$/, ""));
      if (!m) throw new Failure("manifest-sha256.txt 中有无法读取的行", `manifest-sha256.txt has a line it cannot read: ${line}`);
      const path = m[2].replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
      map.set(path, m[1].toLowerCase());
    }
    return map;
  }

  async function verifyPackage(bytes, names) {
    const tops = names.map((n) => /^([^/]+\.bag)\/data\/manifest\.json$/.exec(n)).filter(Boolean);
    if (tops.length !== 1) return null; // not a package: let the caller say "not found"
    const top = tops[0][1] + "/";

    // Two entries of one name could show other zip tools other bytes than us.
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new Failure(`压缩包中 ${duplicate} 出现了两次`, `the zip holds ${duplicate} twice`);
    }
    let entries;
    try {
      entries = lib.unzipSync(bytes);
    } catch (e) {
      // Say which entry cannot be inflated: read them one at a time.
      const broken = names.find((name) => {
        try {
          lib.unzipSync(bytes, { filter: (f) => f.name === name });
          return false;
        } catch (err) {
          return true;
        }
      });
      throw new Failure(`压缩包中的 ${broken || "某个文件"} 无法读取`,
        `${broken || "an entry of the zip"} cannot be read (${e.message})`);
    }
    const outside = Object.keys(entries).filter((n) => !n.startsWith(top) && !n.endsWith("/"));
    if (outside.length) {
      throw new Failure(`压缩包中有档案包之外的文件：${outside[0]}`, `the zip holds a file outside the bag: ${outside[0]}`);
    }

    const manifestBytes = entries[top + "data/manifest.json"];
    const p7s = entries[top + "data/manifest.json.p7s"];
    if (!p7s) throw new Failure("档案包中没有 data/manifest.json.p7s（清单未签章）", "the package has no data/manifest.json.p7s: its manifest is not sealed");
    let manifest;
    try {
      manifest = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(manifestBytes));
    } catch (e) {
      throw new Failure("data/manifest.json 无法读取", "data/manifest.json cannot be read");
    }

    // The package's own signature, then: is this manifest one the site published?
    const signer = await checkSeal(manifestBytes, p7s, manifest).catch((f) => {
      throw new Failure(`data/manifest.json 的签章：${f.zh}`, `data/manifest.json's signature: ${f.en}`);
    });
    const digest = await sha256Hex(manifestBytes);
    const edition = (await publishedEditions()).find((ed) => ed.sha256 === digest);
    if (!edition) {
      throw new Failure("data/manifest.json 不是本站发布的清单", "data/manifest.json is not a manifest this site published");
    }

    // Every entry's SHA-256, computed once.
    const digests = new Map();
    const entryDigest = async (name) => {
      if (!digests.has(name)) digests.set(name, await sha256Hex(entries[name]));
      return digests.get(name);
    };

    // Every file the signed manifest lists must be in the bag, unchanged.
    const wanted = new Map(); // path under data/ -> { sha256, size }
    for (const { file } of listedFiles(manifest)) wanted.set(file.path, file);
    const build = manifest.build || {};
    if (build.manifest) wanted.set(`source/${build.manifest.path}`, build.manifest);
    for (const src of build.sources || []) wanted.set(`source/${src.path}`, src);
    for (const doc of manifest.documents || []) {
      for (const src of doc.sources || []) wanted.set(`source/${src.path}`, src);
    }
    for (const [path, file] of wanted) {
      const name = top + "data/" + path;
      if (!(name in entries)) {
        throw new Failure(`档案包缺少文件 data/${path}`, `the package lacks data/${path}`);
      }
      if ((file.size != null && Number(file.size) !== entries[name].byteLength) ||
          (await entryDigest(name)) !== String(file.sha256).toLowerCase()) {
        throw new Failure(`data/${path} 与签章清单不符`, `data/${path} differs from the sealed manifest`);
      }
    }

    // Nothing in the payload beside what manifest.json accounts for: an added
    // file would pass for a part of the sealed edition.
    const accounted = new Set(["manifest.json", "manifest.json.p7s", ...wanted.keys(),
      ...((manifest.seal && manifest.seal.chain_files) || [])]);
    const payload = Object.keys(entries).filter((n) => n.startsWith(top + "data/") && !n.endsWith("/")).sort();
    const added = payload.find((name) => !accounted.has(name.slice(top.length + "data/".length)));
    if (added) {
      const path = added.slice(top.length);
      throw new Failure(`${path} 不在签章清单中`, `${path} is not in the sealed manifest`);
    }

    // And every payload file must be in the bag's manifest-sha256.txt with its
    // digest, so nothing was added or changed beside what manifest.json covers.
    const bagManifestBytes = entries[top + "manifest-sha256.txt"];
    if (!bagManifestBytes) throw new Failure("档案包中没有 manifest-sha256.txt", "the package has no manifest-sha256.txt");
    const bagManifest = parseBagManifest(new TextDecoder().decode(bagManifestBytes));
    for (const name of payload) {
      const path = name.slice(top.length);
      const listed = bagManifest.get(path);
      if (!listed) throw new Failure(`${path} 不在 manifest-sha256.txt 中`, `${path} is not in manifest-sha256.txt`);
      if (listed !== (await entryDigest(name))) {
        throw new Failure(`${path} 与 manifest-sha256.txt 不符`, `${path} differs from manifest-sha256.txt`);
      }
    }
    for (const path of bagManifest.keys()) {
      if (!((top + path) in entries)) {
        throw new Failure(`档案包缺少 manifest-sha256.txt 所列的 ${path}`, `the package lacks ${path}, listed in manifest-sha256.txt`);
      }
    }

    return {
      edition,
      docIndex: null,
      signer,
      detail: `档案包 data/ 中的 ${payload.length} 个文件都与清单一致 / All ${payload.length} files under data/ match the package's manifests.`,
    };
  }

  // ------------------------------------------------------------- one file in

  async function verifyBytes(name, bytes) {
    const run = ++currentRun;
    showBusy(`正在核验 ${name}… / Checking ${name}…`);
    let outcome;
    try {
      if (!(window.crypto && crypto.subtle) || !lib) {
        throw Object.assign(new Error("no WebCrypto"), { fatal: true });
      }
      let found = await verifyFile(name, bytes);
      if (!found && looksLikeZip(bytes)) {
        const names = zipNames(bytes);
        if (names) found = await verifyPackage(bytes, names);
      }
      outcome = found ? { found } : {
        failure: new Failure("本站发布的任何清单都没有列出这个文件（按 SHA-256 和大小）",
          "no manifest this site published lists this file (by SHA-256 and size)"),
      };
    } catch (e) {
      outcome = e instanceof Failure ? { failure: e } : { error: e };
    }
    if (run !== currentRun) return; // a newer file was dropped meanwhile
    if (outcome.found) {
      const f = outcome.found;
      showAuthentic(f.edition, f.docIndex, f.signer, f.detail);
    } else if (outcome.failure) {
      showNotAuthentic(outcome.failure);
    } else {
      console.error("gazette: verification failed unexpectedly:", outcome.error);
      if (outcome.error && outcome.error.fatal) {
        showError("此浏览器不提供所需的 WebCrypto（请通过 HTTPS 打开本页）。",
          "this browser does not offer the WebCrypto this page needs (open it over HTTPS).");
      } else {
        showError("核验时出错。", `an error occurred (${outcome.error && outcome.error.message}).`);
      }
    }
  }

  async function verifyBlob(file) {
    if (!file) return;
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      showError("无法读取这个文件。", "the file cannot be read.");
      return;
    }
    await verifyBytes(file.name || "file", bytes);
  }

  // ------------------------------------------------------------- ?code=

  // The code printed on every page (with the QR code): names the document or
  // edition whose signed manifest carries it.
  async function verifyCode(raw) {
    const run = ++currentRun;
    const compact = String(raw).toUpperCase().replace(/[^0-9A-Z]/g, "");
    const code = compact.length === 12 ? compact.replace(/^(.{4})(.{4})(.{4})$/, "$1-$2-$3") : String(raw).trim();
    showBusy(`正在查找核验码 ${code}… / Looking up the code ${code}…`);
    let hit = null;
    try {
      for (const edition of await publishedEditions()) {
        const m = edition.json;
        let docIndex;
        if (m.verification_code === code) docIndex = null;
        else {
          docIndex = (m.documents || []).findIndex((d) => d.verification_code === code);
          if (docIndex < 0) continue;
        }
        const seal = await publishedSeal(edition);
        if (seal.failure) continue; // a code is only vouched for by a manifest whose seal holds
        hit = { edition, docIndex, signer: seal.signer };
        break;
      }
    } catch (e) {
      if (run !== currentRun) return;
      console.error("gazette: code lookup failed:", e);
      showError("查找核验码时出错。", `an error occurred while looking up the code (${e.message}).`);
      return;
    }
    if (run !== currentRun) return;
    if (hit) {
      const what = hit.docIndex === null ? "本期的封面和目录页" : "这份文件的每一页";
      const whatEn = hit.docIndex === null ? "the cover and contents pages of this issue" : "every page of this document";
      showAuthentic(hit.edition, hit.docIndex, hit.signer,
        `核验码 ${code} 印在${what}上。The code ${code} is printed on ${whatEn}.`);
    } else {
      show("not-authentic", [
        ["verify-zh", `本公报发布的页面都没有印核验码 ${code}。`],
        ["verify-en", `No page this gazette published carries the code ${code}.`],
      ]);
    }
  }

  // ------------------------------------------------------------- ?file=

  // The download lists link "verify this file" here; the file comes from this
  // same site, then is checked exactly as if it had been dropped.
  async function verifyFromSite(relative) {
    if (location.protocol === "file:") {
      showError("本页是从本地磁盘打开的，无法读取站内文件；请把文件拖到上方区域或用“选择文件”。",
        "this page was opened from disk, where it cannot fetch the site's files; drop the file above or choose it instead.");
      return;
    }
    const url = new URL(relative, location.href);
    if (url.origin !== location.origin) {
      showError("只能核验本站的文件。", "only files of this site can be fetched for checking.");
      return;
    }
    showBusy(`正在下载 ${url.pathname}… / Fetching ${url.pathname}…`);
    let bytes;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (e) {
      showError(`无法下载 ${url.pathname}。`, `${url.pathname} could not be fetched (${e.message}).`);
      return;
    }
    await verifyBytes(decodeURIComponent(url.pathname.split("/").pop() || url.pathname), bytes);
  }

  // ------------------------------------------------------------- the page

  if (!resultBox) return;

  if (fileInput) {
    fileInput.addEventListener("change", () => verifyBlob(fileInput.files && fileInput.files[0]));
  }
  if (dropZone) {
    dropZone.addEventListener("dragover", (event) => {
      event.preventDefault(); // without it the browser would open the file instead
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      dropZone.classList.add("verify-drop-over");
    });
    dropZone.addEventListener("dragleave", () => dropZone.classList.remove("verify-drop-over"));
    dropZone.addEventListener("drop", (event) => {
      event.preventDefault();
      dropZone.classList.remove("verify-drop-over");
      const files = event.dataTransfer && event.dataTransfer.files;
      verifyBlob(files && files[0]);
    });
    // A click anywhere in the zone opens the file chooser, like the input itself.
    dropZone.addEventListener("click", (event) => {
      if (fileInput && event.target !== fileInput && !event.target.closest("a, button, input, label")) fileInput.click();
    });
  }

  const params = new URLSearchParams(location.search);
  if (!lib) {
    showError("页面缺少核验所需的程序库（assets/vendor/crypto.js）。", "the page lacks its verification library (assets/vendor/crypto.js).");
  } else if (params.has("code")) {
    verifyCode(params.get("code"));
  } else if (params.has("file")) {
    verifyFromSite(params.get("file"));
  }
})();
