import type { z } from 'zod';
import { kindFor, kindUnion } from '../config/union.js';
import { apaySource } from './apay.js';
import { bepaidSource } from './bepaid.js';
import type { AccountCatalog, BalanceSource, SourceDeps } from './source.js';

/** Every source type. A new API is one file in this folder and one entry here. */
const SOURCE_KINDS = [apaySource, bepaidSource] as const;

export const sourceConfigSchema = kindUnion(SOURCE_KINDS);

/** What the schema lets through; config/types.ts names it SourceConfig for the rest of the code. */
type SourceConfig = z.output<typeof sourceConfigSchema>;

export function createSource(config: SourceConfig, deps: SourceDeps): BalanceSource {
  const create = kindFor(SOURCE_KINDS, config.type).create as (config: SourceConfig, deps: SourceDeps) => BalanceSource;
  return create(config, deps);
}

/** What `source`'s type knows of the accounts its config declares. */
export function catalogOf(source: SourceConfig): AccountCatalog<SourceConfig> {
  return kindFor(SOURCE_KINDS, source.type).catalog as AccountCatalog<SourceConfig>;
}
