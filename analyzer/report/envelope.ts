import { createHash } from 'node:crypto';
import { z } from 'zod';
import { keyIdOf, type Signer, verifySignature } from '../../store/index.js';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Detached signature of one report file: the generation time lives here, never inside the file. */
export const ReportEnvelope = z.object({
  schema: z.literal('ward.report-envelope/v1'),
  format: z.enum(REPORT_FORMATS),
  size: z.number().int().nonnegative(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  generated_at: z.string(),
  key_id: z.string(),
  public_key: z.string().describe('Raw Ed25519 public key, base64'),
  signature: z.string().describe('Ed25519 over the envelope body (envelopeBody), base64'),
});
export type ReportEnvelope = z.infer<typeof ReportEnvelope>;

/** The exact text the envelope's signature covers. */
export function envelopeBody(e: Pick<ReportEnvelope, 'format' | 'digest' | 'size' | 'generated_at'>): string {
  return `ward-report-envelope/v1\n${e.format}\n${e.digest}\n${e.size}\n${e.generated_at}\n`;
}

export function fileDigest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Signs a report file's digest and the generation time. */
export function signReport(
  bytes: Uint8Array,
  format: ReportFormat,
  signer: Signer,
  generatedAt: Date,
): ReportEnvelope {
  const body = {
    format,
    digest: fileDigest(bytes),
    size: bytes.length,
    generated_at: generatedAt.toISOString(),
  };
  return {
    schema: 'ward.report-envelope/v1',
    ...body,
    key_id: signer.keyId,
    public_key: signer.publicKey,
    signature: signer.sign(envelopeBody(body)),
  };
}

export type EnvelopeCheck =
  | { ok: true; trusted: boolean; envelope: ReportEnvelope }
  | { ok: false; reason: string };

/**
 * Checks a file against its envelope: digest and size, then the signature. `trusted` says whether the signing
 * key is one of `trustedKeys` (a valid signature by an unknown key proves nothing about who made the file).
 */
export function verifyReport(
  bytes: Uint8Array,
  envelope: unknown,
  trustedKeys: readonly string[],
): EnvelopeCheck {
  const parsed = ReportEnvelope.safeParse(envelope);
  if (!parsed.success)
    return { ok: false, reason: `not a Ward report envelope: ${parsed.error.issues[0]?.message}` };
  const e = parsed.data;
  if (e.size !== bytes.length || e.digest !== fileDigest(bytes))
    return {
      ok: false,
      reason: 'the file does not match the envelope digest (modified or a different file)',
    };
  if (keyIdOf(e.public_key) !== e.key_id)
    return { ok: false, reason: 'the envelope key id does not match its key' };
  if (!verifySignature(e.public_key, envelopeBody(e), e.signature))
    return { ok: false, reason: 'the envelope signature is invalid (envelope modified)' };
  return { ok: true, trusted: trustedKeys.includes(e.public_key), envelope: e };
}
