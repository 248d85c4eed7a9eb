#!/usr/bin/env node
// Independent verifier for microcred's Data Integrity proofs, built only from Digital Bazaar's
// JavaScript libraries (the ones wallets and the W3C test suites use), so that a bug shared by
// our Python signer and our Python verifier cannot hide. Test-only: not shipped, not on the site.
//
// Usage:
//   node verify.mjs --keys KEYS.json [--contexts DIR] [--proofs-only] FILE.json...
//
// KEYS.json is either a map {"<verification method id>": "<publicKeyMultibase z6Mk...>"} or a
// DID document whose verificationMethod entries carry publicKeyMultibase. The controller of a
// method is its id without the "#fragment"; the loader serves a controller document listing the
// method under assertionMethod.
//
// Default mode checks each file as a Verifiable Credential (@digitalbazaar/vc: data model,
// validity dates, issuer == key controller). --proofs-only checks just the proofs
// (jsonld-signatures with AssertionProofPurpose), for vectors whose issuer is not the signer.
//
// Prints one JSON line per file:
//   {"file", "verified", "proofs": [{"cryptosuite", "verificationMethod", "verified", "error"}], "error"}
// "verified" is true only if EVERY proof in the file was checked and verified: jsonld-signatures
// itself reports success when any one proof verifies. Exit code 0 if all files verified, 1 if
// not, 2 for bad usage. Nothing is fetched: any URL not served locally is an error.

import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcCryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as createJcsVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import jsigs from 'jsonld-signatures';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

function usage(message) {
  process.stderr.write(`verify.mjs: ${message}\n` +
    'usage: node verify.mjs --keys KEYS.json [--contexts DIR] [--proofs-only] FILE.json...\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    keys: null,
    contexts: path.resolve(HERE, '..', '..', 'tools', 'microcred', 'data', 'contexts'),
    proofsOnly: false,
    files: []
  };
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if(arg === '--keys') {
      opts.keys = argv[++i];
    } else if(arg === '--contexts') {
      opts.contexts = argv[++i];
    } else if(arg === '--proofs-only') {
      opts.proofsOnly = true;
    } else if(arg.startsWith('--')) {
      usage(`unknown option ${arg}`);
    } else {
      opts.files.push(arg);
    }
  }
  if(!opts.keys) {
    usage('--keys is required');
  }
  if(opts.files.length === 0) {
    usage('no credential files given');
  }
  return opts;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// Contexts: the same packaged copies the Python side uses, looked up through the same index.
function loadContexts(dir) {
  const index = readJson(path.join(dir, 'index.json'));
  const contexts = new Map();
  for(const [url, file] of Object.entries(index)) {
    contexts.set(url, readJson(path.join(dir, file)));
  }
  return contexts;
}

function controllerOf(id) {
  const hash = id.indexOf('#');
  return hash === -1 ? id : id.slice(0, hash);
}

// Verification methods and controller documents, from a key map or a DID document.
function loadKeyDocuments(keysFile) {
  const input = readJson(keysFile);
  const documents = new Map();
  let methods;
  if(Array.isArray(input.verificationMethod)) {
    methods = input.verificationMethod.map(vm => ({
      id: vm.id.startsWith('#') ? input.id + vm.id : vm.id,
      controller: vm.controller || input.id,
      publicKeyMultibase: vm.publicKeyMultibase
    }));
  } else {
    methods = Object.entries(input).map(([id, publicKeyMultibase]) => ({
      id, controller: controllerOf(id), publicKeyMultibase
    }));
  }
  const byController = new Map();
  for(const m of methods) {
    documents.set(m.id, {
      '@context': MULTIKEY_V1,
      id: m.id,
      type: 'Multikey',
      controller: m.controller,
      publicKeyMultibase: m.publicKeyMultibase
    });
    if(!byController.has(m.controller)) {
      byController.set(m.controller, []);
    }
    byController.get(m.controller).push(m);
  }
  for(const [controller, ms] of byController) {
    documents.set(controller, {
      '@context': [DID_V1, MULTIKEY_V1],
      id: controller,
      verificationMethod: ms.map(m => documents.get(m.id)),
      assertionMethod: ms.map(m => m.id)
    });
  }
  return documents;
}

function makeDocumentLoader(contexts, keyDocuments) {
  return async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
    }
    if(keyDocuments.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(keyDocuments.get(url))};
    }
    throw new Error(`offline verifier: no local document for ${url}`);
  };
}

function errorText(error) {
  if(!error) {
    return null;
  }
  if(Array.isArray(error)) {
    return error.map(errorText).join('; ');
  }
  if(error.errors && Array.isArray(error.errors)) {
    return `${error.message}: ${error.errors.map(errorText).join('; ')}`;
  }
  let text = error.message || String(error);
  if(error.details && error.details.event) {
    text += ` (${error.details.event.code}: ${error.details.event.message})`;
  }
  return text;
}

function proofsOf(document) {
  const p = document.proof;
  if(p === undefined) {
    return [];
  }
  return Array.isArray(p) ? p : [p];
}

async function verifyFile(file, {documentLoader, proofsOnly}) {
  const credential = readJson(file);
  const suite = [
    new DataIntegrityProof({cryptosuite: createJcsVerifyCryptosuite()}),
    new DataIntegrityProof({cryptosuite: rdfcCryptosuite})
  ];
  let result;
  if(proofsOnly) {
    result = await jsigs.verify(credential, {
      suite,
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader
    });
  } else {
    result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      // Status lists are outside the proof layer under test; report them as fine.
      checkStatus: async () => ({verified: true})
    });
  }
  const results = result.results || [];
  const expected = proofsOf(credential);
  const proofs = results.filter(r => r.proof).map(r => ({
    cryptosuite: r.proof.cryptosuite,
    verificationMethod: r.proof.verificationMethod,
    verified: Boolean(r.verified),
    error: errorText(r.error)
  }));
  const allChecked = expected.length > 0 && proofs.length === expected.length;
  const verified = Boolean(result.verified) && allChecked && proofs.every(p => p.verified);
  let error = errorText(result.error);
  if(!allChecked) {
    error = `${expected.length} proof(s) in document, ${proofs.length} checked` +
      (error ? `: ${error}` : '');
  } else if(!error) {
    // jsonld-signatures reports success if any one proof verified: name the failing ones.
    error = proofs.filter(p => !p.verified)
      .map(p => `${p.cryptosuite}: ${p.error}`).join('; ') || null;
  }
  return {file, verified, proofs, error: verified ? null : error};
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const documentLoader = makeDocumentLoader(
    loadContexts(opts.contexts), loadKeyDocuments(opts.keys));
  let allVerified = true;
  for(const file of opts.files) {
    let line;
    try {
      line = await verifyFile(file, {documentLoader, proofsOnly: opts.proofsOnly});
    } catch(e) {
      line = {file, verified: false, proofs: [], error: errorText(e)};
    }
    allVerified = allVerified && line.verified;
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  process.exit(allVerified ? 0 : 1);
}

main();
