import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

const CHROMIUM = inject('chromium');
/** Kept out of git (.gitignore): a look at the page as the test left it. */
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const XSS = '<script>alert(1)</script>';

const RULES = `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000
  - name: "${XSS}"
    source: apay
    payment_system: "upi_*"
    warn_below: 200000
`;

/** The real daemon, a real browser: what treasury sees, with JavaScript on. */
describe.skipIf(!CHROMIUM)('the balance board in Chromium', () => {
  let sim: Simulator;
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const violations: string[] = [];

  beforeAll(async () => {
    sim = await simulator().start();
    const file = path.join(tempDir(), 'config.yaml');
    writeFileSync(file, simulatedConfig(sim, { schedule: '* * * * * *', rules: RULES, timeout: '1s' }).replace('listen: false', 'listen: 127.0.0.1:0'));
    daemon = new DaemonProcess(['run', '-c', file], { LOG_LEVEL: 'info' });
    await daemon.waitForLog(/balance-watch started/);
    await daemon.nextCycles('apay', 1);
    origin = daemon.httpUrl;
    browser = await chromium.launch({
      executablePath: CHROMIUM as string,
      // The machine has no other network: the browser must not try to reach Google's services.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${origin}/`);
  }, 60_000);

  afterAll(async () => {
    if (page) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true }).catch(() => undefined);
    }
    await browser?.close();
    await daemon?.stop('SIGKILL').catch(() => undefined);
    await sim?.stop();
  });

  it('shows every rule and account with its balance and state', async () => {
    const row = page.locator('table.balances tbody tr', { hasText: 'bkash_a' });
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('bKash agent float');
    await expect(row.locator('td').nth(4).textContent()).resolves.toBe('80,000.00 BDT');
    await expect(row.locator('td').first().textContent()).resolves.toBe('ok');
    expect(await page.locator('table.balances tbody tr').count()).toBe(3);
    expect(await page.title()).toBe('balance-watch: all ok');
    await page.locator('#live', { hasText: 'live' }).waitFor({ timeout: 10_000 });
  });

  it('draws each visible row as a uPlot chart, to now for a steady balance, from its own files', async () => {
    const cell = page.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('td.chart-cell');
    await cell.locator('.plot canvas').waitFor({ timeout: 10_000 });
    const plot = cell.locator('.plot');
    // The balance has not moved since the start: the line still reaches the right edge, now.
    expect(await plot.getAttribute('data-last')).toBe('80000.00');
    const drawnTo = Number(await plot.getAttribute('data-drawn-to'));
    expect(Math.abs(drawnTo - Date.now() / 1000)).toBeLessThan(15);
    expect(await cell.locator('td > svg, a > svg, svg').first().isHidden()).toBe(true);
    expect(await cell.locator('.u-axis').count()).toBeGreaterThanOrEqual(2);
  });

  it('reads the exact stored balance and its time under the cursor', async () => {
    const cell = page.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('td.chart-cell');
    const over = cell.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    await expect.poll(() => cell.locator('.readout').textContent(), { timeout: 5_000 }).toMatch(/: 80,000\.00 BDT$/);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => cell.locator('.readout').textContent(), { timeout: 5_000 }).toMatch(/^[A-Z][a-z]{2} \d+, \d\d:\d\d:\d\d: (80,000\.00 BDT|no reading)$/);
  });

  it('loads the 7-day range from the API when asked', async () => {
    const asked = page.waitForRequest((request) => /\/api\/history\?.*since=7d&points=\d+/.test(request.url()), { timeout: 10_000 });
    await page.locator('#ranges button', { hasText: '7 d' }).click();
    await asked;
    const plot = page.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('.plot');
    await expect.poll(() => plot.getAttribute('data-range'), { timeout: 10_000 }).toBe('7d');
    expect(await page.locator('table.balances thead th').last().textContent()).toBe('Last 7 d');
    expect(await page.locator('#ranges button[aria-pressed=true]').textContent()).toBe('7 d');
    await page.locator('#ranges button', { hasText: '24 h' }).click();
  });

  it('fits a 390 px phone, and a 360 px one: cards, nothing wider than the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(`${origin}/`);
    await phone.locator('td.chart-cell .plot canvas').first().waitFor({ timeout: 10_000 });
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await phone.locator('table.balances thead').isHidden()).toBe(true);
    const balance = phone.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('td').nth(4);
    const where = (await balance.boundingBox())!;
    expect(where.x + where.width).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(ROOT, 'docs', 'board-390.png'), fullPage: true });
    // The narrowest phones in use are 360 px wide; the charts follow a change of width.
    await phone.setViewportSize({ width: 360, height: 780 });
    await expect.poll(() => phone.evaluate('document.documentElement.scrollWidth'), { timeout: 5_000 }).toBeLessThanOrEqual(360);
    await phone.close();
  });

  it('has a wall display with large type and nothing to click', async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${origin}/?tv=1`);
    expect(await wall.locator('body.tv').count()).toBe(1);
    expect(await wall.locator('form, header').evaluateAll((nodes) => nodes.filter((n) => (n as { offsetParent: unknown }).offsetParent !== null).length)).toBe(0);
    expect(Number.parseFloat(String(await wall.evaluate('getComputedStyle(document.body).fontSize')))).toBeGreaterThanOrEqual(20);
    await wall.close();
  });

  it('marks balances stale, with their age, when the API stops answering', async () => {
    sim.setFault('apay', 'server_error');
    try {
      await page.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('small.stale').waitFor({ timeout: 15_000 });
      expect(await page.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('small.stale').textContent()).toMatch(/^\d+ s old \(read \d\d:\d\d:\d\d\)$/);
      await page.locator('.below td small.failing', { hasText: /failing since/ }).waitFor({ timeout: 5_000 });
    } finally {
      sim.setFault('apay', 'none');
    }
    await page.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('small.stale').waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('shows a change in the balances without a reload', async () => {
    await page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));
    sim.setApayBalance('bkash_a', '45000');
    const warning = page.locator('table.balances tbody tr.s-warning', { hasText: 'bKash agent float' });
    await warning.waitFor({ timeout: 15_000 });
    await expect(warning.locator('td').nth(4).textContent()).resolves.toBe('45,000.00 BDT');
    // The change since the last check depends on how many 1 s cycles passed before the page was fetched;
    // its rendering is the board test's ("renders the change since the last check").
    expect(await page.title()).toBe('balance-watch: 1 firing');
    expect(await page.evaluate(() => (globalThis as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    await page.locator('.events li', { hasText: 'fired' }).first().waitFor({ timeout: 5_000 });
    // The README's picture of the board: one warning, its chart drawn.
    await warning.locator('td.chart-cell .plot canvas').waitFor({ timeout: 10_000 });
    // The row moved, so its chart was asked again: it ends at the new balance, not the cached old one.
    await expect.poll(() => warning.locator('.plot').getAttribute('data-last'), { timeout: 10_000 }).toBe('45000.00');
    await page.screenshot({ path: path.join(ROOT, 'docs', 'board-1400.png') });
  });

  it('renders a rule named like a script as text, and runs nothing but its own script', async () => {
    const cells = page.locator('table.balances td', { hasText: XSS });
    expect(await cells.count()).toBe(2);
    expect(await cells.first().textContent()).toBe(XSS);
    expect(dialogs).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('makes no request off the host', async () => {
    // The page, its script and style sheet, and its polls of the API: all of this host.
    expect(requests).toEqual(
      expect.arrayContaining([
        `${origin}/`,
        expect.stringMatching(/\/board\.js\?v=/),
        expect.stringMatching(/\/board\.css\?v=/),
        expect.stringMatching(/\/uplot\.js\?v=/),
        expect.stringMatching(/\/uplot\.css\?v=/),
        expect.stringMatching(/\/api\/history\?/),
        `${origin}/api/status`,
      ]),
    );
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
  });

  it('works with JavaScript off: the same facts, rendered by the server', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const quiet = await context.newPage();
    await quiet.goto(`${origin}/`);
    expect(await quiet.locator('table.balances tbody tr', { hasText: 'bkash_a' }).locator('td').nth(4).textContent()).toBe('45,000.00 BDT');
    await context.close();
  });

  it("opens a firing alert's own page from its row, and acknowledges it with the page's button", async () => {
    await page.locator('table.balances tbody tr.s-warning', { hasText: 'bKash agent float' }).locator('td a').click();
    await page.waitForURL(/\/alert\?rule=bKash\+agent\+float&account=bkash_a$/);
    expect(await page.locator('h2').textContent()).toBe('bKash agent float · bkash_a');
    const ack = page.locator('form', { has: page.locator('button', { hasText: /^Acknowledge$/ }) });
    await ack.locator('input[name=by]').fill('Anna');
    await ack.locator('input[name=note]').fill('top-up requested');
    await ack.locator('button').click();
    await page.locator('p', { hasText: 'Acknowledged by Anna' }).waitFor({ timeout: 5_000 });
    expect(await page.locator('.timeline li', { hasText: 'acknowledged' }).first().textContent()).toMatch(/acknowledged: 45,000\.00 BDT — by Anna: top-up requested$/);
    await page.locator('figure.chart .plot canvas').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ROOT, 'docs', 'alert-page.png'), fullPage: true });
    await page.goto(`${origin}/`);
    await page.locator('table.balances tbody tr', { hasText: 'ack: Anna' }).waitFor({ timeout: 15_000 });
  });

  it("refuses a form posted to an alert's page from another site", async () => {
    const other = await browser.newPage();
    await other.setContent(
      `<form method="post" action="${origin}/alert?rule=bKash+agent+float&amp;account=bkash_a"><input name="do" value="unack"><input name="by" value="Mallory"><button>go</button></form>`,
    );
    const [answer] = await Promise.all([other.waitForResponse((r) => r.url().startsWith(`${origin}/alert`)), other.locator('button').click()]);
    expect(answer.status()).toBe(403);
    await other.close();
    const status = (await (await fetch(`${origin}/api/status`)).json()) as { balances: { account: string; acknowledged: { by: string } | null }[] };
    expect(status.balances.find((a) => a.account === 'bkash_a')?.acknowledged?.by).toBe('Anna');
  });

  it("takes an acknowledgement back and gives it again from the board's own row, staying on the board", async () => {
    await page.goto(`${origin}/`);
    const row = page.locator('table.balances tbody tr', { hasText: 'bkash_a' });
    await row.locator('input[name=by]').fill('Carl');
    await row.locator('button', { hasText: 'Take ack back' }).click();
    await page.waitForURL(`${origin}/`);
    // A cycle running as it was taken back may write the old state once; the next one takes the request in.
    await row.locator('button', { hasText: 'Acknowledge' }).waitFor({ timeout: 15_000 });
    await row.locator('input[name=by]').fill('Carl');
    await row.locator('button', { hasText: 'Acknowledge' }).click();
    await page.locator('table.balances tbody tr', { hasText: 'ack: Carl' }).waitFor({ timeout: 15_000 });
    expect(violations).toEqual([]);
  });
});
