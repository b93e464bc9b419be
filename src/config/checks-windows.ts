import { type Check, problem } from './check-context.js';

/** A channel's active_in names a declared window, and window names are unique. */
export const windowsAreKnown: Check = (context) => {
  const names = context.declared.windows;
  const known = [...names].join(', ') || 'none are declared under time_windows';
  const seen = new Set<string>();
  const duplicates = context.windowNames.flatMap((name, i) => {
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [problem(context, 'error', ['time_windows', i, 'name'], `time window "${name}" is declared twice; names must be unique`)];
  });
  const unknown = context.config.channels.flatMap((channel, i) =>
    channel.active_in === undefined || names.has(channel.active_in)
      ? []
      : [problem(context, 'error', [...context.at.channel(i), 'active_in'], `no time window is named "${channel.active_in}" (windows: ${known})`)],
  );
  return [...duplicates, ...unknown];
};
