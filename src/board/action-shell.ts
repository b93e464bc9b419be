import type { ServerResponse } from 'node:http';
import type { Config } from '../config/types.js';
import { escapeHtml } from '../html.js';
import { ACTION_PAGE_HEADERS } from '../http-security.js';
import type { StateStore } from '../store/store.js';

/** Who took an action, for the log: the person's own words and the client's address. */
export interface ActionAudit {
  readonly action: 'ack' | 'silence';
  readonly rule: string;
  readonly account: string;
  readonly by: string;
  /** A silence's end. */
  readonly until: number | null;
  readonly client: string;
}

export interface ActionContext {
  readonly store: StateStore;
  readonly config: Config;
  readonly now: number;
  /** The longest gap between scheduled cycles (0 on a follower): how long a reading stands on a chart. */
  readonly intervalMs: number;
  readonly audit: (entry: ActionAudit) => void;
  /** Messages were queued (the echo): the leader's outbox should be drained now. */
  readonly queued: () => void;
}

export interface ActionRequest {
  readonly method: string;
  readonly token: string;
  /** The form a POST sent. */
  readonly form?: URLSearchParams;
  readonly cookie: string;
  readonly client: string;
}


/** The name people gave last time, so the next form has it filled in. */
export const BY_COOKIE = 'bw_by';
export const MAX_BY = 80;
export const MAX_NOTE = 500;

/** Where action links point: `/a/TOKEN`. */
export const ACTION_PREFIX = '/a/';

export function rememberBy(by: string, publicUrl: string | undefined): Record<string, string> {
  return { 'Set-Cookie': `${BY_COOKIE}=${encodeURIComponent(by)}; Path=${ACTION_PREFIX}; Max-Age=31536000; SameSite=Strict; HttpOnly${publicUrl?.startsWith('https:') ? '; Secure' : ''}` };
}

/** Who answered and what they said, from a posted form: trimmed, and cut to the inputs' own limits. */
export function readAnswer(form: URLSearchParams | undefined): { readonly by: string; readonly note: string } {
  return { by: (form?.get('by') ?? '').trim().slice(0, MAX_BY), note: (form?.get('note') ?? '').trim().slice(0, MAX_NOTE) };
}

/** The form every action page asks: who, and an optional note. */
export function whoForm(by: string, button: string): string {
  return `<form method="post">
<label>Your name <input name="by" required maxlength="${MAX_BY}" value="${escapeHtml(by)}" autocomplete="name"></label>
<label>Note, for the team (optional) <input name="note" maxlength="${MAX_NOTE}" placeholder="top-up requested from the bank"></label>
<button type="submit">${escapeHtml(button)}</button>
</form>`;
}

export function cookieValue(header: string, key: string): string | undefined {
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === key) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A page of the board's look around `body`, with a way back to the board. */
export function page(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · balance-watch</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/uplot.css"><link rel="stylesheet" href="/board.css"><script src="/uplot.js" defer></script><script src="/board.js" defer></script></head>
<body><header><h1>balance-watch</h1></header><main class="action"><h2>${escapeHtml(title)}</h2>
${body}
<p><a href="/">Open the board</a></p></main></body></html>
`;
  res.writeHead(status, { ...ACTION_PAGE_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(html);
}
