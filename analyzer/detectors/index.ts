import type { StreamDetector } from '../detector.js';
import { type BaselineDetector, baselineActivity } from './baseline-activity.js';
import { unwatchedAgent } from './evade-unwatched-agent.js';
import { pushRedirectedRemote } from './exfil-push-redirected-remote.js';
import { storageEndpoint } from './exfil-storage-endpoint.js';
import { storageNewBucket } from './exfil-storage-new-bucket.js';
import { novelBinary } from './novelty-binary.js';
import { novelDomain } from './novelty-domain.js';
import { novelPathClass } from './novelty-path-class.js';
import { lifecycleScript } from './persist-lifecycle-script.js';
import { denialThenVariantRetry } from './sequence-denial-retry.js';
import { destructiveBurst } from './sequence-destructive-burst.js';
import { newBinaryThenNetwork } from './sequence-new-binary-network.js';
import { refusalBurst } from './sequence-refusal-burst.js';
import { sensitiveReadThenEgress } from './sequence-sensitive-read-egress.js';
import { sigmaDetectors } from './sigma-rules.js';
import { typosquatInstall } from './supply-typosquat.js';

/** The code detectors (sequences and novelty); Sigma rules come from YAML files. */
export const CODE_DETECTORS: readonly StreamDetector[] = [
  sensitiveReadThenEgress,
  denialThenVariantRetry,
  destructiveBurst,
  refusalBurst,
  newBinaryThenNetwork,
  novelBinary,
  novelDomain,
  novelPathClass,
  typosquatInstall,
  storageNewBucket,
  storageEndpoint,
  lifecycleScript,
  pushRedirectedRemote,
  unwatchedAgent,
];

export const BASELINE_DETECTORS: readonly BaselineDetector[] = [baselineActivity];

/** Every streaming detector: the Sigma rules of `rulesDir` (default: the shipped ones) and the code detectors. */
export function streamDetectors(rulesDir?: string): StreamDetector[] {
  return [...sigmaDetectors(rulesDir), ...CODE_DETECTORS];
}
