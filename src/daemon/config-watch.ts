import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../error-message.js';

/**
 * Calls `onChange` when the config file changes, debounced. The folder is
 * watched rather than the file, because editors save by replacing the file,
 * which would orphan a watch on the old one.
 */
export function watchConfigFile(file: string, onChange: () => void, onStopped: (why: string) => void, debounceMs = 300): { close(): void } {
  const name = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(path.resolve(file)), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on('error', (error) => {
      watcher?.close();
      onStopped(errorMessage(error));
    });
  } catch (error) {
    // Watching is a convenience; SIGHUP still reloads. But people edit the file expecting it to apply, so say so.
    onStopped(errorMessage(error));
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
