import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: string | false;
  }
}

const CANDIDATES = [process.env['BALANCE_WATCH_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
/** In CI the browser tests must run: .ci/run installs Debian's chromium first. */
const REQUIRED = process.env['CI'] === 'true' || process.env['BALANCE_WATCH_REQUIRE_CHROMIUM'] === '1';

/** Finds Chromium once for the run, and says plainly when the browser tests will not run. */
export default function setup(project: TestProject): void {
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found && REQUIRED) throw new Error(`Chromium is required here (CI=true or BALANCE_WATCH_REQUIRE_CHROMIUM=1) but none is at ${CANDIDATES.join(' or ')}; apt-get install -y chromium`);
  if (!found) console.warn(`Browser tests skipped: no Chromium at ${CANDIDATES.join(' or ')}. Install Debian's chromium (apt-get install -y chromium) or set BALANCE_WATCH_CHROMIUM to run them.`);
  project.provide('chromium', found ?? false);
}
