import { ExitError } from '../cli/exit-error.js';
import { StateStore, StoreError } from '../store/store.js';

/** Opens the state store for a command, turning a store problem into a message and an exit status. */
export function openStoreOrExit(file: string, exitCode: number, options: { readonly?: boolean } = {}): StateStore {
  try {
    return StateStore.open(file, options);
  } catch (error) {
    if (error instanceof StoreError) throw new ExitError(exitCode, error.message);
    throw error;
  }
}
