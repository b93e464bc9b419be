import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchConfigFile } from '../../src/daemon/config-watch.js';
import { tempDir } from '../helpers/cli.js';

describe('watchConfigFile', () => {
  it('calls back once, debounced, when the file is replaced', async () => {
    const dir = tempDir({ 'config.yaml': 'a: 1\n' });
    let changes = 0;
    const watcher = watchConfigFile(path.join(dir, 'config.yaml'), () => (changes += 1), () => undefined, 50);
    writeFileSync(path.join(dir, 'config.yaml'), 'a: 2\n');
    writeFileSync(path.join(dir, 'config.yaml'), 'a: 3\n');
    writeFileSync(path.join(dir, 'other.yaml'), 'b: 1\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    watcher.close();
    expect(changes).toBe(1);
  });

  it('says why when the file cannot be watched, instead of going quiet', () => {
    const stopped: string[] = [];
    const watcher = watchConfigFile('/no/such/folder/config.yaml', () => undefined, (why) => stopped.push(why));
    watcher.close();
    expect(stopped).toEqual([expect.stringMatching(/^ENOENT: no such file or directory, watch '\/no\/such\/folder'$/)]);
  });
});
