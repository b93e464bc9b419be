import { isLoopbackHost } from '../net/loopback.js';
import { type Check, type CheckContext, problem } from './check-context.js';
import { type ConfigPath, type Diagnostic, describePath } from './diagnostic.js';

/*
 * Checks of the addresses the config names and serves: https beyond loopback,
 * a board served beyond the machine that asks who is looking, action links
 * with both their halves.
 */

/** `secret`: the URL itself is a secret (a webhook), so the message must not show it. */
export function checkHttps(context: CheckContext, url: string, path: ConfigPath, { secret }: { readonly secret: boolean }): Diagnostic[] {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) return [];
  if (parsed.protocol === 'https:') return [];
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return [];
  const shown = secret ? '' : ` (${url})`;
  return [problem(context, 'error', path, `${describePath(path)} must use https${shown}; plain http is allowed only for loopback hosts such as 127.0.0.1`)];
}

export const urlsAreSecure: Check = (context) => [
  ...context.config.sources.flatMap((source, i) => checkHttps(context, source.base_url, [...context.at.source(i), 'base_url'], { secret: false })),
  ...context.config.channels.flatMap((channel, i) => {
    if (channel.type === 'slack') {
      if (!URL.canParse(channel.webhook_url)) {
        return [problem(context, 'error', [...context.at.channel(i), 'webhook_url'], 'webhook_url is not a URL; it should look like https://hooks.slack.com/services/…')];
      }
      return checkHttps(context, channel.webhook_url, [...context.at.channel(i), 'webhook_url'], { secret: true });
    }
    const url = URL.canParse(channel.smtp_url) ? new URL(channel.smtp_url) : undefined;
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
      return [
        problem(context, 'error', [...context.at.channel(i), 'smtp_url'], 'smtp_url must look like smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465'),
      ];
    }
    return [];
  }),
];

/** Judged from the file's rules as written: a rule with a typo elsewhere still says whom it notifies. */
/** The board shows every balance: served beyond this machine, it should ask who is looking. */
export const boardIsGuarded: Check = (context) => {
  const { listen, basic, token, authMetrics } = context.config.http;
  const path = ['http', 'listen'];
  if (authMetrics && !basic && !token) return [problem(context, 'error', ['http', 'auth_metrics'], 'auth_metrics: true needs http.auth or http.token to check against')];
  if (listen === false || isLoopbackHost(listen.host)) return [];
  if (basic || token) {
    if (authMetrics) return [];
    return [
      problem(
        context,
        'warning',
        path,
        `http.listen ${listen.host}:${listen.port} guards the board, but /metrics shows every balance to anyone who can reach it; set http.auth_metrics: true (and give Prometheus the token or password), or listen on 127.0.0.1`,
      ),
    ];
  }
  return [
    problem(
      context,
      'warning',
      path,
      `http.listen ${listen.host}:${listen.port} serves the balance board to anyone who can reach it; set http.auth (username and password) or http.token, or listen on 127.0.0.1`,
    ),
  ];
};

/** Action links need both halves: where they point, and the key that signs them. */
export const actionsAreComplete: Check = (context) => {
  const { publicUrl } = context.config.http;
  const problems = publicUrl === undefined ? [] : checkHttps(context, publicUrl, ['http', 'public_url'], { secret: false });
  if (context.config.actions || context.actionsDeclared === (publicUrl !== undefined)) return problems;
  const message =
    publicUrl === undefined
      ? 'actions is set, but http.public_url is not: messages carry no action links until it says where people reach the board (e.g. https://balance-watch.internal)'
      : 'http.public_url is set, but actions.secret is not: messages carry no action links until a key signs them (actions: { secret: ${ACTIONS_SECRET} }, 32+ characters)';
  return [...problems, problem(context, 'warning', publicUrl === undefined ? ['actions'] : ['http', 'public_url'], message)];
};
