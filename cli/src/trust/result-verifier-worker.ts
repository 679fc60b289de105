// Worker thread of ResultSignatureVerifier (result-verifier.ts): verifies a batch of result signatures and
// answers with their verdicts. It loads only trust's modules, so it starts in a few tens of milliseconds.
import { parentPort } from 'node:worker_threads';
import type { AllowedSignerLine } from './allowed-signers.js';
import {
  type ResultSignatureBatch,
  type ResultSignatureReply,
  verifyResultSignatureBatch,
} from './result-verifier.js';

parentPort?.on('message', (batch: ResultSignatureBatch) => {
  // Structured cloning turns each key blob (a Buffer) into a plain Uint8Array; the comparison needs a Buffer.
  const signers: Record<string, AllowedSignerLine[]> = {};
  for (const [key, lines] of Object.entries(batch.signers)) {
    signers[key] = lines.map((line) => ({
      ...line,
      keyBlob: Buffer.from(line.keyBlob.buffer, line.keyBlob.byteOffset, line.keyBlob.byteLength),
    }));
  }
  const reply: ResultSignatureReply = {
    id: batch.id,
    verdicts: verifyResultSignatureBatch({ signers, jobs: batch.jobs }),
  };
  parentPort?.postMessage(reply);
});
