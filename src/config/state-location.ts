import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../result.js';
import { isPostgresUrl, stateLocationProblem } from '../store/location.js';
import type { Environment } from './env.js';
import { unreadableMessage } from './file.js';
import type { TimeWindow } from '../notify/time-window.js';
import { parseYamlTree } from './yaml-tree.js';

const DEFAULT_STATE = './data/state.db';

/**
 * Just where the state store is (and the time zone for showing times, and the
 * channel ids), for
 * commands that only read the store: they should work even when an unrelated
 * setting (a variable holding an SMTP password, say) is missing here.
 */
export interface StateLocation {
  readonly state: string;
  readonly timezone?: string;
  /** Channel ids, so status can tell which channels messages wait for in vain. */
  readonly channels: readonly string[];
  /** Rule names, so a silence can be checked against the rules there are. */
  readonly rules: readonly string[];
  /** The time window each channel is active in (those that have a valid one), so status can say when it opens. */
  readonly windows: ReadonlyMap<string, TimeWindow>;
}

export async function locateState(file: string, env: Environment): Promise<Result<StateLocation>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return err(`${file}: ${unreadableMessage(error)}`);
  }
  const tree = parseYamlTree(text, { env, textNumberKeys: new Set() });
  const data = tree.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return err(`${file}: not a balance-watch config; run balance-watch check -c ${file}`);
  const { state, timezone, channels, rules } = data as { state?: unknown; timezone?: unknown; channels?: unknown; rules?: unknown };
  // Errors elsewhere in the file (a missing SMTP password, say) do not matter here; one in `state` does.
  const at = tree.positions.valueAt(['state']);
  const stateProblem = state === undefined ? undefined : tree.errors.find((e) => e.position.line === at.line && e.position.col === at.col);
  if (stateProblem || (state !== undefined && typeof state !== 'string')) {
    return err(`${file}: state: ${stateProblem?.message ?? 'must be a file path or a postgres:// URL'}; run balance-watch check -c ${file}`);
  }
  const named = typeof state === 'string' ? state : DEFAULT_STATE;
  const problem = stateLocationProblem(named);
  if (problem) return err(`${file}: state: ${problem}; run balance-watch check -c ${file}`);
  const where = isPostgresUrl(named) ? named : path.resolve(path.dirname(path.resolve(file)), named);
  const zone = typeof timezone === 'string' ? timezone : undefined;
  return ok({ state: where, ...(zone === undefined ? {} : { timezone: zone }), channels: stringsAt(channels, 'id'), rules: stringsAt(rules, 'name'), windows: await channelWindows(channels, (data as { time_windows?: unknown }).time_windows, zone) });
}

/** Each channel's window, where both the channel's active_in and the window read cleanly: a broken one is check's to report. */
async function channelWindows(channels: unknown, windows: unknown, zone: string | undefined): Promise<Map<string, TimeWindow>> {
  const byName = new Map<string, TimeWindow>();
  if (!Array.isArray(windows) || windows.length === 0) return byName;
  // Loaded only for a config with windows: status and history stay quick to start without them.
  const { resolveTimeWindow, timeWindowSchema } = await import('./time-windows.js');
  for (const item of windows) {
    const parsed = timeWindowSchema.safeParse(item);
    if (parsed.success) byName.set(parsed.data.name, resolveTimeWindow(parsed.data, zone));
  }
  const found = new Map<string, TimeWindow>();
  for (const item of Array.isArray(channels) ? channels : []) {
    const { id, active_in: activeIn } = (item ?? {}) as { id?: unknown; active_in?: unknown };
    const window = typeof activeIn === 'string' ? byName.get(activeIn) : undefined;
    if (typeof id === 'string' && window) found.set(id, window);
  }
  return found;
}

/** The `key` of each item of a list, where it is text: enough of the file for names, whatever else is wrong in it. */
function stringsAt(list: unknown, key: string): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const value = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? [value] : [];
  });
}
