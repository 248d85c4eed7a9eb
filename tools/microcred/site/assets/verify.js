/**
 * microcred in-browser award verifier.
 *
 * Checks an Open Badges 3.0 credential published by a microcred site: its `eddsa-jcs-2022` Data
 * Integrity proof (W3C VC DI EdDSA v1.0), the issuer's did:web key and that key's validity window,
 * the credential's own validity period, and its Bitstring Status List v1.0 revocation entry.
 *
 * Rules this module keeps, and why:
 * - No dependencies, no CDN: the site must work as a plain static host and never leak visitors to
 *   third parties.
 * - Only same-origin fetches (`mode: "same-origin"`). did:web and status-list URLs that point at the
 *   configured production site are mapped to the origin the page was actually loaded from, so a
 *   local preview (`mkdocs serve`, `python -m http.server`) verifies the very files it serves. Any
 *   other origin is never contacted: the result is "unsupported" and the reader is sent to the
 *   `microcred verify` command instead.
 * - Never a false "verified": anything that cannot be checked here (no WebCrypto in an insecure
 *   context, no Ed25519, a foreign issuer) is "unsupported"; anything checked and wrong is
 *   "invalid".
 * - Untrusted text is only ever put in the page with `textContent`.
 *
 * @module verify
 */

/** The only cryptosuite this verifier checks; the rdfc proof in the same set is for wallets. */
const CRYPTOSUITE = "eddsa-jcs-2022";

/** Multicodec prefix of an Ed25519 public key inside a Multikey (varint 0xed). */
const ED25519_PUB_PREFIX = [0xed, 0x01];

/** Bitstring Status List v1.0: a list shorter than this (131,072 bits) must be rejected. */
const MIN_STATUS_LIST_BYTES = 16384;

/** Refuse to inflate a status list beyond this, so a hostile file cannot exhaust memory. */
const MAX_STATUS_LIST_BYTES = 64 * 1024 * 1024;

/** Refuse JSON documents larger than this; an award with its proofs is a few KB. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;

const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** A well-formed Ed25519 public key (the W3C test vector's), used only to probe for support. */
const PROBE_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

/**
 * A reason the verification stopped, with the status it leads to.
 * Internal: callers of the public API receive plain result objects, never this exception.
 */
class VerifyStop extends Error {
  /**
   * @param {"invalid"|"unsupported"|"revoked"|"expired"} status
   * @param {string} code short machine-readable reason, e.g. "signature-mismatch"
   * @param {string} message the human-readable reason shown on the page
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------------

/**
 * Decode base58btc (Bitcoin alphabet) to bytes.
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {TypeError} on a character outside the alphabet
 */
export function base58btcDecode(text) {
  if (typeof text !== "string") throw new TypeError("base58btc input must be a string");
  // Big-number base conversion on a little-endian byte array; inputs here are under 100 chars.
  const bytes = [];
  for (const ch of text) {
    let carry = BASE58_ALPHABET.indexOf(ch);
    if (carry < 0) throw new TypeError(`invalid base58btc character ${JSON.stringify(ch)}`);
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  // Each leading "1" stands for one leading zero byte.
  for (let i = 0; i < text.length && text[i] === "1"; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

/**
 * Decode unpadded base64url (RFC 4648 section 5) to bytes.
 * @param {string} text
 * @returns {Uint8Array}
 */
function base64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new TypeError("not base64url");
  }
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Decode an Ed25519 Multikey `publicKeyMultibase` ("z" + base58btc(0xed 0x01 || key)).
 * @param {string} multibase
 * @returns {Uint8Array} the 32-byte raw public key
 * @throws {TypeError} if it is not an Ed25519 Multikey
 */
export function decodeEd25519Multikey(multibase) {
  if (typeof multibase !== "string" || !multibase.startsWith("z")) {
    throw new TypeError("publicKeyMultibase must be base58btc ('z' prefix)");
  }
  const raw = base58btcDecode(multibase.slice(1));
  if (raw.length !== 34 || raw[0] !== ED25519_PUB_PREFIX[0] || raw[1] !== ED25519_PUB_PREFIX[1]) {
    throw new TypeError("publicKeyMultibase is not an Ed25519 Multikey (0xed01 + 32 bytes)");
  }
  return raw.slice(2);
}

// ---------------------------------------------------------------------------------------------
// JCS (RFC 8785)
// ---------------------------------------------------------------------------------------------

// A lone surrogate has no UTF-8 encoding, so RFC 8785 forbids it; JSON.stringify would escape it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Canonicalise a JSON value per RFC 8785 (JSON Canonicalization Scheme).
 *
 * Object keys are sorted by UTF-16 code units (which is what the default `Array.prototype.sort`
 * does for strings); numbers use the ECMAScript serialisation RFC 8785 adopts (what
 * `JSON.stringify` produces, including "0" for -0); strings use `JSON.stringify`'s escaping,
 * which is exactly RFC 8785's (short escapes for \b \t \n \f \r, lowercase \u00xx for the other
 * controls, nothing else escaped).
 *
 * @param {unknown} value a value as produced by `JSON.parse`
 * @returns {string} the canonical JSON text (encode it as UTF-8 before hashing)
 * @throws {TypeError} for values JSON cannot represent (NaN, Infinity, undefined, lone surrogates)
 */
export function canonicalize(value) {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("JCS cannot encode a non-finite number");
      return JSON.stringify(value);
    case "string":
      if (LONE_SURROGATE.test(value)) throw new TypeError("JCS cannot encode a lone surrogate");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return "[" + value.map(canonicalize).join(",") + "]";
      const keys = Object.keys(value).sort();
      const members = keys.map((key) => canonicalize(key) + ":" + canonicalize(value[key]));
      return "{" + members.join(",") + "}";
    }
    default:
      throw new TypeError(`JCS cannot encode a value of type ${typeof value}`);
  }
}

// ---------------------------------------------------------------------------------------------
// eddsa-jcs-2022
// ---------------------------------------------------------------------------------------------

/** @returns {SubtleCrypto|undefined} WebCrypto, which browsers expose only in secure contexts. */
function defaultSubtle() {
  return globalThis.crypto && globalThis.crypto.subtle ? globalThis.crypto.subtle : undefined;
}

async function sha256(subtle, text) {
  return new Uint8Array(await subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function sameJson(a, b) {
  return canonicalize(a) === canonicalize(b);
}

/**
 * Build the two inputs of eddsa-jcs-2022 hashing from a secured document and one of its proofs.
 * @returns {{proofConfig: object, unsecured: object}}
 */
function jcsInputs(document, proof) {
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    throw new TypeError("document must be a JSON object");
  }
  if (!proof || typeof proof !== "object" || Array.isArray(proof)) {
    throw new TypeError("proof must be a JSON object");
  }
  // The whole proof set is removed: proofs in a set are independent (no previousProof chains here).
  const unsecured = { ...document };
  delete unsecured.proof;
  const proofConfig = { ...proof };
  delete proofConfig.proofValue;
  if ("@context" in proof) {
    // The spec allows the proof's @context to be a prefix of the document's and then hashes the
    // document under that prefix; that would leave contexts appended later unsigned. A signer
    // always copies the document's @context, so anything but equality is rejected.
    if (!sameJson(proof["@context"], document["@context"])) {
      throw new TypeError("the proof's @context differs from the document's @context");
    }
  }
  if ("@context" in document) proofConfig["@context"] = document["@context"];
  return { proofConfig, unsecured };
}

/**
 * The eddsa-jcs-2022 hashData: SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof)).
 * @param {object} document the secured (or unsecured) document
 * @param {object} proof the proof whose configuration is hashed (its proofValue is ignored)
 * @param {SubtleCrypto} [subtle]
 * @returns {Promise<Uint8Array>} 64 bytes
 */
export async function jcsHashData(document, proof, subtle = defaultSubtle()) {
  if (!subtle) throw new TypeError("WebCrypto is not available (insecure context)");
  const { proofConfig, unsecured } = jcsInputs(document, proof);
  const proofHash = await sha256(subtle, canonicalize(proofConfig));
  const docHash = await sha256(subtle, canonicalize(unsecured));
  const out = new Uint8Array(64);
  out.set(proofHash, 0);
  out.set(docHash, 32);
  return out;
}

/**
 * Verify one eddsa-jcs-2022 Data Integrity proof over a document with a raw Ed25519 public key.
 *
 * This checks only the cryptography (W3C VC DI EdDSA v1.0, section 3.3): it does not resolve
 * keys, check validity dates or status. `verifyAward` does those.
 *
 * @param {object} document the secured document (its `proof` member, if any, is ignored)
 * @param {object} proof the proof object to check (type DataIntegrityProof, cryptosuite
 *   eddsa-jcs-2022, proofValue "z" + base58btc(64-byte signature))
 * @param {Uint8Array|ArrayBuffer} publicKeyBytes the 32-byte Ed25519 public key
 * @param {{subtle?: SubtleCrypto}} [options]
 * @returns {Promise<boolean>} true only if the signature matches
 * @throws {TypeError} if the proof is malformed or WebCrypto/Ed25519 is unavailable
 */
export async function verifyJcsProof(document, proof, publicKeyBytes, options = {}) {
  const subtle = options.subtle || defaultSubtle();
  if (!subtle) throw new TypeError("WebCrypto is not available (insecure context)");
  if (!proof || proof.type !== "DataIntegrityProof" || proof.cryptosuite !== CRYPTOSUITE) {
    throw new TypeError(`proof is not a DataIntegrityProof with cryptosuite ${CRYPTOSUITE}`);
  }
  if (typeof proof.proofValue !== "string" || !proof.proofValue.startsWith("z")) {
    throw new TypeError("proofValue must be base58btc ('z' prefix)");
  }
  const signature = base58btcDecode(proof.proofValue.slice(1));
  if (signature.length !== 64) throw new TypeError("an Ed25519 signature is 64 bytes");
  const key = new Uint8Array(publicKeyBytes);
  if (key.length !== 32) throw new TypeError("an Ed25519 public key is 32 bytes");
  const hashData = await jcsHashData(document, proof, subtle);
  const cryptoKey = await subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
  return subtle.verify({ name: "Ed25519" }, cryptoKey, signature, hashData);
}

let ed25519Probe = null;

/**
 * Whether this browser can verify Ed25519 with WebCrypto here. Resolves to an explanation string
 * when it cannot, or null when it can.
 * @param {SubtleCrypto|undefined} subtle
 * @returns {Promise<string|null>}
 */
async function whyCannotVerify(subtle) {
  if (!subtle) {
    return (
      "This page cannot verify the award here: the browser offers its cryptography (WebCrypto) only " +
      "on secure pages (https or localhost), and this page was opened over " +
      `${(globalThis.location && globalThis.location.protocol.replace(/:$/, "")) || "an insecure connection"}`
    );
  }
  if (subtle === defaultSubtle()) {
    ed25519Probe = ed25519Probe || probeEd25519(subtle);
    return ed25519Probe;
  }
  return probeEd25519(subtle);
}

async function probeEd25519(subtle) {
  try {
    const raw = decodeEd25519Multikey(PROBE_KEY);
    await subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    return null;
  } catch (err) {
    return "This page cannot verify the award here: this browser's WebCrypto does not support Ed25519 signatures";
  }
}

// ---------------------------------------------------------------------------------------------
// URLs: did:web, production site -> the origin the page came from
// ---------------------------------------------------------------------------------------------

// did:web method-specific-id characters: ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
const DID_WEB_SEGMENT = /^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/;

/**
 * Map a did:web DID to the URL of its DID document, per the did:web method:
 * `did:web:host[%3Aport][:path:...]` -> `https://host[:port]/path/.../did.json`, and a DID with
 * no path -> `https://host/.well-known/did.json`.
 * @param {string} did
 * @returns {string}
 * @throws {TypeError} if `did` is not a well-formed did:web DID
 */
export function didWebToUrl(did) {
  if (typeof did !== "string" || !did.startsWith("did:web:")) {
    throw new TypeError("not a did:web DID");
  }
  if (/[?#/]/.test(did)) throw new TypeError("a did:web issuer DID has no path, query or fragment");
  const segments = did.slice("did:web:".length).split(":");
  for (const seg of segments) {
    // "." and ".." would let a DID climb out of its path once it becomes a URL.
    if (!DID_WEB_SEGMENT.test(seg) || seg === "." || seg === "..") {
      throw new TypeError(`malformed did:web segment ${JSON.stringify(seg)}`);
    }
  }
  // Only the host segment may carry a percent-encoded port colon.
  const host = segments[0].replace(/%3A/gi, ":");
  if (/%/.test(host)) throw new TypeError("malformed did:web host");
  const path = segments.length > 1 ? segments.slice(1).join("/") : ".well-known";
  const url = new URL(`https://${host}/${path}/did.json`);
  return url.href;
}

/** Normalise a site URL so that prefix tests are made on whole path segments. */
function normaliseBase(url) {
  const u = new URL(url);
  u.search = "";
  u.hash = "";
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return u.href;
}

/**
 * Map a URL on the configured production site to the same path under the base the page was
 * loaded from. URLs elsewhere are returned unchanged (callers then refuse them if they are not
 * same-origin).
 * @param {string} url absolute URL
 * @param {{siteUrl?: string, baseUrl?: string}} where production site URL and local site base
 * @returns {string}
 */
export function localizeUrl(url, { siteUrl, baseUrl } = {}) {
  const href = new URL(url).href;
  if (siteUrl && baseUrl) {
    const site = normaliseBase(siteUrl);
    if (href.startsWith(site)) return new URL(href.slice(site.length), normaliseBase(baseUrl)).href;
  }
  return href;
}

/** The inverse of localizeUrl, for telling a reader which URL to give `microcred verify`. */
function productionUrl(url, { siteUrl, baseUrl }) {
  if (siteUrl && baseUrl) {
    const base = normaliseBase(baseUrl);
    if (url.startsWith(base)) return new URL(url.slice(base.length), normaliseBase(siteUrl)).href;
  }
  return url;
}

/**
 * The origin of an http(s) URL; "null" for anything else. Browsers disagree on file: origins
 * (Chromium says "file://"), and no other scheme is something this verifier may fetch from.
 */
function originOf(url) {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin : "null";
  } catch (err) {
    return "null";
  }
}

// ---------------------------------------------------------------------------------------------
// The verification
// ---------------------------------------------------------------------------------------------

/**
 * Parse an ISO 8601 / XML Schema dateTime with a time zone; anything looser is rejected because
 * `Date.parse` would otherwise guess (e.g. treat a zone-less time as local time).
 * @returns {number|null} milliseconds since the epoch, or null if malformed
 */
function parseDateTime(value) {
  if (typeof value !== "string") return null;
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

function asArray(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function typesOf(obj) {
  return asArray(obj && obj.type);
}

/**
 * A same-origin-only JSON fetcher for one verification; caches by URL so a DID document shared
 * by the credential and its status list is fetched once.
 */
function makeLoader(ctx) {
  const cache = new Map();
  return async function load(url, what) {
    const local = localizeUrl(url, ctx);
    if (originOf(local) !== ctx.origin) {
      throw new VerifyStop(
        "unsupported",
        "foreign-origin",
        `The ${what} is hosted on another site (${originOf(local)}); this page only checks files ` +
          `published by its own site. Run \`microcred verify ${ctx.productionCredentialUrl}\` instead.`,
      );
    }
    if (!cache.has(local)) cache.set(local, fetchJson(ctx, local, what));
    return cache.get(local);
  };
}

async function fetchJson(ctx, url, what) {
  let response;
  try {
    // "same-origin" makes the browser itself refuse cross-origin requests and redirects.
    response = await ctx.fetch(url, { mode: "same-origin", credentials: "same-origin", redirect: "follow" });
  } catch (err) {
    throw new VerifyStop("invalid", "fetch-failed", `Could not load the ${what} (${url}): ${err.message}`);
  }
  if (!response.ok) {
    throw new VerifyStop("invalid", "fetch-failed", `Could not load the ${what} (${url}): HTTP ${response.status}`);
  }
  const text = await response.text();
  if (text.length > MAX_JSON_BYTES) {
    throw new VerifyStop("invalid", "too-large", `The ${what} is too large to be an award document`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new VerifyStop("invalid", "bad-json", `The ${what} is not valid JSON`);
  }
}

/** Pick the eddsa-jcs-2022 proof out of a proof set. */
function findJcsProof(document, what) {
  const proof = asArray(document.proof).find(
    (p) => p && typeof p === "object" && p.type === "DataIntegrityProof" && p.cryptosuite === CRYPTOSUITE,
  );
  if (!proof) {
    throw new VerifyStop("invalid", "no-proof", `The ${what} carries no ${CRYPTOSUITE} proof`);
  }
  return proof;
}

function issuerIdOf(document) {
  const issuer = document.issuer;
  if (typeof issuer === "string") return issuer;
  if (issuer && typeof issuer === "object" && typeof issuer.id === "string") return issuer.id;
  return null;
}

/** Absolute id of a DID document entry, whose id may be written relative ("#key-1"). */
function absoluteId(did, id) {
  return typeof id === "string" && id.startsWith("#") ? did + id : id;
}

/**
 * Check one document's jcs proof against its issuer's did:web key, including the key's
 * validity window. Returns what it learned for the result details.
 */
async function checkProof(ctx, load, document, what) {
  const proof = findJcsProof(document, what);
  const did = issuerIdOf(document);
  if (!did) throw new VerifyStop("invalid", "no-issuer", `The ${what} names no issuer`);
  if (!did.startsWith("did:web:")) {
    throw new VerifyStop(
      "unsupported",
      "issuer-not-did-web",
      `The ${what}'s issuer (${did}) is not a did:web identity this page can resolve. ` +
        `Run \`microcred verify ${ctx.productionCredentialUrl}\` instead.`,
    );
  }
  let didUrl;
  try {
    didUrl = didWebToUrl(did);
  } catch (err) {
    throw new VerifyStop("invalid", "bad-did", `The ${what}'s issuer DID is malformed: ${err.message}`);
  }
  const didDoc = await load(didUrl, `issuer's DID document`);
  if (!didDoc || didDoc.id !== did) {
    throw new VerifyStop("invalid", "did-mismatch", `The DID document at ${didUrl} is not for ${did}`);
  }

  if (proof.proofPurpose !== "assertionMethod") {
    throw new VerifyStop("invalid", "bad-purpose", `The ${what}'s proof purpose is not assertionMethod`);
  }
  const vmId = proof.verificationMethod;
  if (typeof vmId !== "string" || !vmId.startsWith(did + "#")) {
    throw new VerifyStop("invalid", "foreign-key", `The ${what} is signed with a key (${vmId}) that is not the issuer's`);
  }
  const vm = asArray(didDoc.verificationMethod).find((m) => m && absoluteId(did, m.id) === vmId);
  if (!vm) {
    throw new VerifyStop("invalid", "unknown-key", `The issuer does not publish the key ${vmId}`);
  }
  if (vm.controller !== did) {
    throw new VerifyStop("invalid", "bad-controller", `The key ${vmId} is not controlled by ${did}`);
  }
  const asserts = asArray(didDoc.assertionMethod).some(
    (a) => absoluteId(did, typeof a === "string" ? a : a && a.id) === vmId,
  );
  if (!asserts) {
    throw new VerifyStop("invalid", "not-assertion-key", `The key ${vmId} is not authorised to issue credentials (assertionMethod)`);
  }
  let publicKey;
  try {
    publicKey = decodeEd25519Multikey(vm.publicKeyMultibase);
  } catch (err) {
    throw new VerifyStop("invalid", "bad-key", `The key ${vmId} is unusable: ${err.message}`);
  }

  // The key's validity window (microcred's extension fields on the verification method).
  const created = parseDateTime(proof.created);
  if (created === null) {
    throw new VerifyStop("invalid", "bad-created", `The ${what}'s proof has no valid creation time`);
  }
  const window = {};
  for (const field of ["notBefore", "notAfter", "revokedAt"]) {
    const raw = vm[`microcred:${field}`];
    if (raw === undefined) continue;
    const t = parseDateTime(raw);
    if (t === null) {
      throw new VerifyStop("invalid", "bad-key-window", `The key ${vmId} has a malformed microcred:${field}`);
    }
    window[field] = t;
  }
  if (window.revokedAt !== undefined && created >= window.revokedAt) {
    throw new VerifyStop(
      "invalid",
      "key-revoked",
      `The ${what} was signed on ${proof.created} with a key the issuer revoked on ${vm["microcred:revokedAt"]}`,
    );
  }
  if (window.notBefore !== undefined && created < window.notBefore) {
    throw new VerifyStop(
      "invalid",
      "key-not-yet-valid",
      `The ${what} was signed on ${proof.created}, before its key became valid (${vm["microcred:notBefore"]})`,
    );
  }
  if (window.notAfter !== undefined && created >= window.notAfter) {
    throw new VerifyStop(
      "invalid",
      "key-expired",
      `The ${what} was signed on ${proof.created}, after its key was retired (${vm["microcred:notAfter"]})`,
    );
  }
  if (proof.expires !== undefined) {
    const expires = parseDateTime(proof.expires);
    if (expires === null || expires <= ctx.now) {
      throw new VerifyStop("invalid", "proof-expired", `The ${what}'s proof has expired`);
    }
  }

  let ok;
  try {
    ok = await verifyJcsProof(document, proof, publicKey, { subtle: ctx.subtle });
  } catch (err) {
    throw new VerifyStop("invalid", "bad-proof", `The ${what}'s proof is malformed: ${err.message}`);
  }
  if (!ok) {
    throw new VerifyStop(
      "invalid",
      "signature-mismatch",
      `The ${what}'s signature does not match its content: it was altered after signing or not signed by ${vmId}`,
    );
  }
  return { did, didDoc, verificationMethod: vmId, proofCreated: proof.created };
}

/** Inflate gzip with the browser's DecompressionStream, refusing outputs over `limit` bytes. */
async function gunzip(bytes, limit) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new TypeError("status list inflates beyond the size limit");
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Check one BitstringStatusListEntry. Throws VerifyStop("revoked") when its bit is set.
 * @returns {Promise<object>} details for the result
 */
async function checkStatusEntry(ctx, load, entry, credentialIssuer) {
  if (!entry || !typesOf(entry).includes("BitstringStatusListEntry")) {
    throw new VerifyStop("unsupported", "status-type", "The credential uses a status mechanism this page does not know; run `microcred verify` instead.");
  }
  const purpose = entry.statusPurpose;
  const index = typeof entry.statusListIndex === "string" && /^(0|[1-9]\d*)$/.test(entry.statusListIndex)
    ? Number(entry.statusListIndex)
    : NaN;
  if (!Number.isSafeInteger(index)) {
    throw new VerifyStop("invalid", "status-index", "The credential's status list index is malformed");
  }
  if (entry.statusSize !== undefined && entry.statusSize !== 1) {
    throw new VerifyStop("unsupported", "status-size", "The credential's status entries are wider than one bit, which this page does not check.");
  }
  if (typeof entry.statusListCredential !== "string") {
    throw new VerifyStop("invalid", "status-url", "The credential's status entry names no status list");
  }
  let listUrl;
  try {
    listUrl = new URL(entry.statusListCredential).href;
  } catch (err) {
    throw new VerifyStop("invalid", "status-url", "The credential's status list URL is malformed");
  }

  const list = await load(listUrl, "status list");
  const listProof = await checkProof(ctx, load, list, "status list");
  const subject = list.credentialSubject;
  if (!typesOf(list).includes("BitstringStatusListCredential") || !subject || !typesOf(subject).includes("BitstringStatusList")) {
    throw new VerifyStop("invalid", "status-list-type", "The status list is not a BitstringStatusListCredential");
  }
  // A list published for another purpose (e.g. suspension) must not answer a revocation entry.
  if (!asArray(subject.statusPurpose).includes(purpose)) {
    throw new VerifyStop("invalid", "status-purpose", `The status list is not a ${purpose} list`);
  }
  const listValidFrom = list.validFrom !== undefined ? parseDateTime(list.validFrom) : undefined;
  const listValidUntil = list.validUntil !== undefined ? parseDateTime(list.validUntil) : undefined;
  if (listValidFrom === null || listValidUntil === null || (listValidFrom !== undefined && listValidFrom > ctx.now)) {
    throw new VerifyStop("invalid", "status-list-dates", "The status list has malformed or future validity dates");
  }
  if (listValidUntil !== undefined && listValidUntil <= ctx.now) {
    throw new VerifyStop("invalid", "status-list-stale", "The status list has passed its validUntil date, so revocations may be missing");
  }

  const encoded = subject.encodedList;
  let bits;
  try {
    if (typeof encoded !== "string" || !encoded.startsWith("u")) throw new TypeError("not multibase base64url");
    bits = await gunzip(base64urlDecode(encoded.slice(1)), MAX_STATUS_LIST_BYTES);
  } catch (err) {
    throw new VerifyStop("invalid", "status-list-encoding", `The status list cannot be decoded: ${err.message}`);
  }
  if (bits.length < MIN_STATUS_LIST_BYTES) {
    throw new VerifyStop("invalid", "status-list-length", "The status list is shorter than the 131,072 bits the standard requires");
  }
  if (index >= bits.length * 8) {
    throw new VerifyStop("invalid", "status-index", "The credential's status list index is beyond the end of the list");
  }
  // Bitstring Status List v1.0: index 0 is the most significant bit of the first byte.
  const set = (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
  const details = {
    statusListCredential: entry.statusListCredential,
    statusListIndex: index,
    statusPurpose: purpose,
    statusListIssuer: listProof.did,
    statusListMatchesIssuer: listProof.did === credentialIssuer,
  };
  if (set) {
    const word = purpose === "suspension" ? "suspended" : "revoked";
    const err = new VerifyStop("revoked", `status-${purpose}`, `The issuer has ${word} this award`);
    err.details = details;
    throw err;
  }
  return details;
}

/**
 * Verify a microcred award: fetch its Open Badges 3.0 credential and check it completely.
 *
 * @param {string} credentialUrl URL of the credential JSON, absolute or relative to `pageUrl`;
 *   a URL on the production site is fetched from the page's own base instead.
 * @param {object} [options]
 * @param {string} [options.siteUrl] the configured production site URL, e.g.
 *   "https://microcred.example.org/"; did:web and status URLs under it are served locally.
 * @param {string} [options.baseUrl] where the site root is on the origin this page was loaded
 *   from; default: `options.siteUrl`'s path on the page's origin if the page is under it,
 *   else the origin's root.
 * @param {string} [options.pageUrl] the page's URL (default `location.href`)
 * @param {Date|number} [options.now] the time to check validity against (default: now)
 * @param {typeof fetch} [options.fetch] fetch implementation (default: the global one)
 * @param {SubtleCrypto} [options.subtle] WebCrypto (default `crypto.subtle`, absent in insecure contexts)
 * @returns {Promise<{status: "verified"|"revoked"|"expired"|"invalid"|"unsupported",
 *   reason: string, details: object}>} never rejects; `details.code` is a short machine-readable
 *   reason, the other details describe what was checked.
 */
export async function verifyAward(credentialUrl, options = {}) {
  const pageUrl = options.pageUrl || (globalThis.location && globalThis.location.href) || "about:blank";
  const details = { code: "", credentialUrl: String(credentialUrl) };
  let ctx;
  try {
    const resolved = new URL(credentialUrl, pageUrl).href;
    const siteUrl = options.siteUrl ? normaliseBase(options.siteUrl) : undefined;
    const baseUrl = normaliseBase(options.baseUrl ? new URL(options.baseUrl, pageUrl).href : defaultBaseUrl(pageUrl, siteUrl));
    ctx = {
      siteUrl,
      baseUrl,
      origin: originOf(pageUrl),
      now: options.now !== undefined ? Number(options.now instanceof Date ? options.now.getTime() : options.now) : Date.now(),
      fetch: options.fetch || globalThis.fetch.bind(globalThis),
      subtle: options.subtle || defaultSubtle(),
    };
    ctx.productionCredentialUrl = productionUrl(resolved, ctx);
    details.credentialUrl = ctx.productionCredentialUrl;

    // Check the environment first: without WebCrypto Ed25519 no answer here can be trusted.
    const cannot = await whyCannotVerify(ctx.subtle);
    if (cannot) {
      throw new VerifyStop(
        "unsupported",
        "no-webcrypto",
        `${cannot}. To check it, run \`microcred verify ${ctx.productionCredentialUrl}\`.`,
      );
    }

    // A page opened from disk has an opaque origin: nothing can be fetched same-origin, and a
    // failed fetch must not be mistaken for a bad award.
    if (ctx.origin === "null") {
      throw new VerifyStop(
        "unsupported",
        "opaque-origin",
        "This page cannot verify the award here: it was opened from a file, not from a web site. " +
          `To check it, run \`microcred verify ${ctx.productionCredentialUrl}\`.`,
      );
    }

    const load = makeLoader(ctx);
    const credential = await load(resolved, "credential");
    if (!credential || typeof credential !== "object" || Array.isArray(credential)) {
      throw new VerifyStop("invalid", "bad-json", "The credential is not a JSON object");
    }
    details.credentialId = credential.id;
    details.name = typeof credential.name === "string" ? credential.name : undefined;
    const issuer = credential.issuer;
    details.issuerName = issuer && typeof issuer === "object" && typeof issuer.name === "string" ? issuer.name : undefined;
    const subject = credential.credentialSubject;
    const achievement = subject && typeof subject === "object" ? subject.achievement : undefined;
    details.achievementName = achievement && typeof achievement.name === "string" ? achievement.name : undefined;
    details.validFrom = credential.validFrom;
    details.validUntil = credential.validUntil;

    const proofInfo = await checkProof(ctx, load, credential, "credential");
    details.issuer = proofInfo.did;
    details.verificationMethod = proofInfo.verificationMethod;
    details.proofCreated = proofInfo.proofCreated;

    const validFrom = credential.validFrom !== undefined ? parseDateTime(credential.validFrom) : undefined;
    const validUntil = credential.validUntil !== undefined ? parseDateTime(credential.validUntil) : undefined;
    if (validFrom === null || validUntil === null) {
      throw new VerifyStop("invalid", "bad-dates", "The credential's validity dates are malformed");
    }
    if (validFrom !== undefined && validFrom > ctx.now) {
      throw new VerifyStop("invalid", "not-yet-valid", `The credential is not valid before ${credential.validFrom}`);
    }

    // Revocation outranks expiry: a revoked award must say so even after it has also expired.
    for (const entry of asArray(credential.credentialStatus)) {
      Object.assign(details, await checkStatusEntry(ctx, load, entry, proofInfo.did));
    }

    if (validUntil !== undefined && validUntil <= ctx.now) {
      throw new VerifyStop("expired", "expired", `The award expired on ${credential.validUntil}; its signature is genuine`);
    }
    details.code = "ok";
    const by = details.issuerName ? `${details.issuerName} (${proofInfo.did})` : proofInfo.did;
    return { status: "verified", reason: `Signed by ${by}, unaltered and not revoked`, details };
  } catch (err) {
    if (err instanceof VerifyStop) {
      if (err.details) Object.assign(details, err.details);
      details.code = err.code;
      return { status: err.status, reason: err.message, details };
    }
    // A bug or an unexpected input shape: say so plainly, never claim success.
    details.code = "internal-error";
    return {
      status: "invalid",
      reason: `The award could not be checked: ${err && err.message ? err.message : String(err)}`,
      details,
    };
  }
}

/**
 * Where the site root lives on the page's origin when the page does not say: the production
 * site's path if the page is under it (that is how `mkdocs serve` mounts a site), else "/".
 */
function defaultBaseUrl(pageUrl, siteUrl) {
  const page = new URL(pageUrl);
  if (siteUrl) {
    const sitePath = new URL(siteUrl).pathname;
    if (page.pathname.startsWith(sitePath)) return new URL(sitePath, page).href;
  }
  return new URL("/", page).href;
}

// ---------------------------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------------------------

/** Words and a symbol per status, so the result never depends on colour alone. */
const LABELS = {
  checking: { symbol: "…", title: "Checking this award…" },
  verified: { symbol: "✓", title: "Verified" },
  revoked: { symbol: "✗", title: "Revoked" },
  expired: { symbol: "!", title: "Expired" },
  invalid: { symbol: "✗", title: "Not valid" },
  unsupported: { symbol: "?", title: "Cannot verify here" },
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(element, status, reason, rows) {
  const label = LABELS[status] || LABELS.invalid;
  element.dataset.status = status;
  element.classList.add("mc-verify");
  for (const s of Object.keys(LABELS)) element.classList.toggle(`mc-verify--${s}`, s === status);
  const heading = el("p", "mc-verify__title");
  const symbol = el("span", "mc-verify__symbol", label.symbol);
  symbol.setAttribute("aria-hidden", "true");
  heading.append(symbol, " ", el("strong", null, label.title));
  const parts = [heading];
  if (reason) {
    // Reasons write commands between backticks; show those as code, every piece as plain text.
    const para = el("p", "mc-verify__reason");
    reason.split("`").forEach((piece, i) => para.append(i % 2 ? el("code", null, piece) : piece));
    parts.push(para);
  }
  if (rows && rows.length) {
    const list = el("dl", "mc-verify__details");
    for (const [term, value] of rows) list.append(el("dt", null, term), el("dd", null, value));
    parts.push(list);
  }
  element.replaceChildren(...parts);
}

/**
 * Verify the award an element points to and show the result inside it.
 *
 * Reads from the element:
 * - `data-credential` (required): URL of the OB 3.0 credential JSON, relative to the page or
 *   absolute on the production site;
 * - `data-site-url` (required): the configured production site URL, e.g.
 *   "https://microcred.example.org/";
 * - `data-site-root` (optional): the site root relative to the page (mkdocs' `base_url`, e.g.
 *   "../../../"), so a local preview at any path maps production URLs correctly.
 *
 * The element becomes a polite live region (role="status") whose text states the outcome in
 * words; `data-status` carries the final status for styling and tests. Pages should put a short
 * static message in the element (e.g. "Not verified in this browser: run `microcred verify URL`")
 * that this replaces: where the module cannot even load (file://, JavaScript off), that message
 * is what the reader sees.
 *
 * @param {HTMLElement} element
 * @param {object} [options] passed on to `verifyAward` (e.g. `now`, `fetch`)
 * @returns {Promise<{status: string, reason: string, details: object}>} the result shown
 */
export async function mountVerificationPanel(element, options = {}) {
  if (!element.hasAttribute("role")) element.setAttribute("role", "status");
  element.setAttribute("aria-live", "polite");
  element.setAttribute("aria-busy", "true");
  render(element, "checking", "", []);

  const siteUrl = element.dataset.siteUrl;
  const root = element.dataset.siteRoot;
  const opts = { siteUrl, ...options };
  if (root !== undefined && opts.baseUrl === undefined) opts.baseUrl = new URL(root, document.baseURI).href;
  if (opts.pageUrl === undefined) opts.pageUrl = document.baseURI;

  let result;
  const credential = element.dataset.credential;
  if (!credential) {
    result = { status: "invalid", reason: "This page names no credential to verify (data-credential)", details: { code: "no-credential" } };
  } else if (!siteUrl) {
    result = { status: "invalid", reason: "This page does not say which site it belongs to (data-site-url)", details: { code: "no-site-url" } };
  } else {
    result = await verifyAward(credential, opts);
  }

  const d = result.details || {};
  const rows = [];
  // Names and dates are shown only once the signature has been checked; for an invalid award
  // they would be the forger's words presented as facts.
  const signed = ["verified", "expired", "revoked"].includes(result.status);
  if (signed) {
    if (d.achievementName || d.name) rows.push(["Credential", d.achievementName || d.name]);
    if (d.issuer) rows.push(["Issuer", d.issuerName ? `${d.issuerName} (${d.issuer})` : d.issuer]);
    if (d.proofCreated) rows.push(["Signed", d.proofCreated]);
    if (d.verificationMethod) rows.push(["Key", d.verificationMethod]);
    if (d.validFrom) rows.push(["Valid from", d.validFrom]);
    if (d.validUntil) rows.push(["Valid until", d.validUntil]);
  }
  if (d.credentialUrl) rows.push(["Credential file", d.credentialUrl]);
  render(element, result.status, result.reason, rows);
  element.setAttribute("aria-busy", "false");
  return result;
}
