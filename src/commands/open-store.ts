import { ExitError } from '../cli/exit-error.js';
import { openStore } from '../store/open.js';
import { type StateStore, StoreError } from '../store/store.js';

/** Opens the state store for a command, turning a store problem into a message and an exit status. */
export async function openStoreOrExit(location: string, exitCode: number, options: { readonly?: boolean } = {}): Promise<StateStore> {
  try {
    return await openStore(location, options);
  } catch (error) {
    if (error instanceof StoreError) throw new ExitError(exitCode, error.message);
    throw error;
  }
}
