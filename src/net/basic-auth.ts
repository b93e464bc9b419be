/** The value of an `Authorization` (or `Proxy-Authorization`) header for HTTP Basic authentication. */
export const basicAuthorization = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
