// Independent verification of credentials with Digital Bazaar's VC stack (used by DCC, wallets and
// OB 3.0 verifiers). Reads {credential | credentials: [{credential, now}], documents, checkStatus} as JSON on
// stdin; `documents` maps every URL the verifier may load (contexts, DID documents, status lists) to its
// content. Nothing is fetched. Prints {verified, error, proofs, status} (or a list of them) as JSON.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as jcsVerifySuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const documents = input.documents;

function documentLoader(url) {
  const [base, fragment] = url.split('#');
  if (documents[url] !== undefined) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  // A verification method is loaded by its id: serve it out of its controller's DID document.
  if (fragment !== undefined && documents[base] !== undefined) {
    const didDoc = documents[base];
    const method = (didDoc.verificationMethod || []).find(m => m.id === url);
    if (method) {
      return {contextUrl: null, documentUrl: url, document: {'@context': didDoc['@context'], ...method}};
    }
  }
  throw new Error(`document not available offline: ${url}`);
}

const suite = [new DataIntegrityProof({cryptosuite: rdfc}), new DataIntegrityProof({cryptosuite: jcsVerifySuite()})];

async function verifyOne(credential, now) {
  try {
    const result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      checkStatus: input.checkStatus === false ? undefined : checkStatus,
      now: now ? new Date(now) : undefined,
    });
    const proofs = (result.results || []).map(r => ({
      verified: r.verified,
      cryptosuite: r.proof && r.proof.cryptosuite,
      error: r.error ? String(r.error.message || r.error) : null,
    }));
    // `status` is the first entry's bit (what most wallets show); `statuses` every entry's, in order: a
    // credential with several entries is revoked when any of them says so.
    const status = result.statusResult ? {verified: result.statusResult.verified,
      status: result.statusResult.results?.[0]?.status ?? null} : null;
    const statuses = result.statusResult
      ? (result.statusResult.results || []).map(r => ({
        purpose: r.credentialStatus?.statusPurpose ?? null, status: r.status ?? null}))
      : [];
    const statusError = result.statusResult?.error ? String(result.statusResult.error.message ||
      result.statusResult.error) : null;
    return {verified: result.verified, error: result.error ? String(result.error.message || result.error) : null,
      proofs, status, statuses, statusError};
  } catch (e) {
    return {verified: false, error: String(e && e.message || e), proofs: [], status: null};
  }
}

let out;
if (input.credentials) {
  out = [];
  for (const item of input.credentials) out.push(await verifyOne(item.credential, item.now));
} else {
  out = await verifyOne(input.credential, input.now);
}
process.stdout.write(JSON.stringify(out));
