/**
 * What a simulated API can be told to do wrong, one at a time:
 * `server_error` 503, `rate_limited` 429 with Retry-After, `unauthorized` 401,
 * `html` an HTML error page, `refused` the API's own error answer, `hang` no
 * answer at all, `garbage` a balance that is not a number.
 */
export const FAULTS = ['none', 'server_error', 'rate_limited', 'unauthorized', 'html', 'refused', 'hang', 'garbage'] as const;
export type Fault = (typeof FAULTS)[number];
