import type { z } from 'zod';
import { typeUnion } from '../config/union.js';
import { apayConfigSchema } from './apay.js';
import { bepaidConfigSchema } from './bepaid.js';

/** Every source type. A new API is one file in this folder and one entry here. */
export const sourceConfigSchema = typeUnion([apayConfigSchema, bepaidConfigSchema]);

export type SourceConfig = z.output<typeof sourceConfigSchema>;
