// What the site's verify page (../assets/verify.js) needs from its libraries, on one global.
// refresh.sh bundles this file with esbuild into ../assets/vendor/crypto.js.
import * as asn1js from "asn1js";
import { Certificate, ContentInfo, SignedData, getCrypto } from "pkijs";
import { unzipSync } from "fflate";

window.GazetteLib = Object.freeze({
  asn1js,
  Certificate,
  ContentInfo,
  SignedData,
  getCrypto,
  unzipSync,
});
