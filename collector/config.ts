import { z } from 'zod';
import { RedactionConfig } from '../schema/fast.js';
import { StoreConfig } from '../store/index.js';

/** `ward serve` settings. */
export const ServerConfig = z.object({
  host: z.string().default('127.0.0.1').describe('Bind address; anything but loopback requires API tokens'),
  port: z.number().int().min(0).max(65535).default(4318).describe('Port for OTLP/HTTP, the API and the UI'),
  dataDir: z.string().default('.ward-data').describe('Embedded store, admin token, spool'),
  store: StoreConfig.prefault({}),
  adminToken: z.string().min(16, 'must be at least 16 characters').optional().describe('WARD_ADMIN_TOKEN'),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024)
    .describe('Largest OTLP body after decompression'),
  redaction: RedactionConfig.optional(),
  ingestWorkers: z
    .number()
    .int()
    .min(0)
    .max(64)
    .default(2)
    .describe('Worker threads that decode, redact and normalize OTLP (0 = on the main thread)'),
  batch: z
    .object({
      maxBatchRows: z.number().int().min(1).default(20_000),
      flushIntervalMs: z.number().int().min(1).default(25),
      maxQueuedRows: z.number().int().min(1).default(400_000),
    })
    .prefault({}),
});
export type ServerConfig = z.input<typeof ServerConfig>;
