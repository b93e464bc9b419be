import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

const exec = promisify(execFile);

/** The files `npm pack` puts in the package (scripts skipped: dist/ is already built, and other tests run it). */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, env: { ...process.env, npm_config_offline: 'true' } });
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return pack.files.map((file) => file.path);
}

/** Each runtime package as the installer would place it beside balance-watch (links to this checkout's). */
function linkDependencies(nodeModules: string): void {
  for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name.startsWith('.')) continue;
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(nodeModules, name));
  }
}

const PATH = [path.dirname(process.execPath), process.env['PATH'] ?? ''].join(path.delimiter);

/**
 * The bundle in dist/ as users get it: only what the package ships (no src/,
 * no sources beside it), installed under node_modules with npm's bin link and
 * run by `npx`, and laid out as the Docker image lays it out. Each runs a
 * cycle against the simulator and replays it (the backtest reads history on
 * its worker thread, a separate file of the bundle).
 */
describe('the built package', () => {
  let sim: Simulator;
  let files: string[];
  beforeAll(async () => {
    sim = await simulator().start();
    files = await packedFiles();
  }, 60_000);
  afterAll(() => sim.stop());

  const cycleAndReplay = async (command: (args: string[]) => Promise<{ stdout: string }>) => {
    const dir = tempDir({ 'config.yaml': simulatedConfig(sim) });
    const config = path.join(dir, 'config.yaml');
    const once = await command(['once', '-c', config]);
    expect(once.stdout).toMatch(/bKash agent float\s+apay\s+bkash_a\s+80,000.00 BDT/);
    const replay = JSON.parse((await command(['backtest', '-c', config, '--since', '1h', '--json'])).stdout) as { rules: { alerts: { observations: number }[] }[] };
    expect(replay.rules.flatMap((rule) => rule.alerts).reduce((sum, alert) => sum + alert.observations, 0)).toBeGreaterThan(0);
  };

  it('ships the bundle, its worker and package.json, and no sources', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/cli/stream-worker.js');
    expect(files.filter((file) => !file.startsWith('dist/cli/') && file !== 'package.json' && !/^(README|LICENSE)/i.test(file))).toEqual([]);
    expect(files.some((file) => file.endsWith('.ts'))).toBe(false);
  });

  it('runs installed, through npm\'s bin link and `npx balance-watch`', async () => {
    const project = tempDir({ 'package.json': '{ "name": "treasury-ops", "private": true }' });
    const installed = path.join(project, 'node_modules', 'balance-watch');
    for (const file of files) cpSync(path.join(ROOT, file), path.join(installed, file));
    linkDependencies(path.join(project, 'node_modules'));
    mkdirSync(path.join(project, 'node_modules', '.bin'));
    symlinkSync('../balance-watch/dist/cli/main.js', path.join(project, 'node_modules', '.bin', 'balance-watch'));
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const npx = (args: string[]) => exec('npx', ['--no-install', 'balance-watch', ...args], { cwd: project, env: { PATH, npm_config_offline: 'true', HOME: project } });
    expect((await npx(['--version'])).stdout.trim()).toBe(version);
    await cycleAndReplay(npx);
  }, 60_000);

  it("runs as the Docker image's entry point runs it: /app/package.json, /app/node_modules, /app/dist", async () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    const [node, ...nodeArgs] = JSON.parse(entrypoint!) as string[];
    expect(node).toBe('node');
    const app = tempDir();
    for (const file of files) cpSync(path.join(ROOT, file), path.join(app, file));
    mkdirSync(path.join(app, 'node_modules'));
    linkDependencies(path.join(app, 'node_modules'));
    const args = nodeArgs.map((arg) => arg.replace(/^\/app\//, `${app}/`));
    const docker = (more: string[]) => exec(process.execPath, [...args, ...more], { cwd: tempDir(), env: { PATH, NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' } });
    await cycleAndReplay(docker);
  }, 60_000);
});
