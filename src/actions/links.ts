import type { Config } from '../config/types.js';
import type { ActionLinker } from '../notify/message.js';
import type { AlertEvent } from '../rules/alert.js';
import { silenceChoices } from './choices.js';
import { signLink } from './link.js';


/** The events people act on: a firing alert's news. A resolve or a no-data notice needs no answer. */
const ANSWERABLE: ReadonlySet<AlertEvent['kind']> = new Set(['firing', 'escalation', 'repeat', 'runway']);

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
