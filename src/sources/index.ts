import type { z } from 'zod';
import { kindUnion } from '../config/union.js';
import { apaySource } from './apay.js';
import { bepaidSource } from './bepaid.js';
import type { BalanceSource, SourceDeps } from './source.js';

/** Every source type. A new API is one file in this folder and one entry here. */
const SOURCE_KINDS = [apaySource, bepaidSource] as const;

export const sourceConfigSchema = kindUnion(SOURCE_KINDS);

export type SourceConfig = z.output<typeof sourceConfigSchema>;

export function createSource(config: SourceConfig, deps: SourceDeps): BalanceSource {
  const kind = SOURCE_KINDS.find((candidate) => candidate.type === config.type);
  if (!kind) throw new Error(`no source kind "${config.type}"`);
  return (kind.create as (config: SourceConfig, deps: SourceDeps) => BalanceSource)(config, deps);
}
