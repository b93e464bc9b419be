import type { Config } from '../config/types.js';
import type { ActionLinker, DigestLinker } from '../notify/message.js';
import type { AlertEvent } from '../rules/alert.js';
import { silenceChoices } from './choices.js';
import { signLink } from './link.js';


/** The events people act on: a firing alert's news. A resolve or a no-data notice needs no answer. */
export const ANSWERABLE: ReadonlySet<string> = new Set<AlertEvent['kind']>(['firing', 'escalation', 'escalated', 'repeat', 'runway', 'drop']);

/**
 * Signs each firing event's links when its message is rendered: they expire
 * actions.link_ttl after that, and act only on the episode the event belongs
 * to. None without both http.public_url and actions.secret.
 */
export function actionLinker(config: Pick<Config, 'actions' | 'http' | 'timezone'>, now: () => number): ActionLinker | undefined {
  const { actions } = config;
  const base = config.http.publicUrl;
  if (!actions || !base) return undefined;
  return (event) => {
    if (!ANSWERABLE.has(event.kind)) return undefined;
    const at = now();
    const expires = at + actions.linkTtl;
    const silences = silenceChoices(actions, config.timezone, at).map((choice) => ({
      label: choice.label,
      url: `${base}/a/${signLink({ action: 'silence', rule: event.rule, account: event.account, episode: event.since, expires, until: choice.until }, actions.secret)}`,
    }));
    const acknowledge = `${base}/a/${signLink({ action: 'ack', rule: event.rule, account: event.account, episode: event.since, expires }, actions.secret)}`;
    return { acknowledge, silences, board: `${base}/alert?${new URLSearchParams({ rule: event.rule, account: event.account }).toString()}` };
  };
}

/**
 * A digest's "Acknowledge all N" link: one short claim for every alert of the
 * source whose news went out in this check, however many (a list of them
 * would not fit in a URL, nor in Slack's text). None for a single alert.
 */
export function digestLinker(config: Pick<Config, 'actions' | 'http'>, now: () => number): DigestLinker | undefined {
  const { actions } = config;
  const base = config.http.publicUrl;
  if (!actions || !base) return undefined;
  return (source, events) => {
    const answerable = events.filter((e) => ANSWERABLE.has(e.kind));
    if (answerable.length < 2) return undefined;
    const at = answerable[0]!.at;
    return `${base}/a/${signLink({ action: 'ack-all', rule: '', account: source, episode: at, expires: now() + actions.linkTtl }, actions.secret)}`;
  };
}
