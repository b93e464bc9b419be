const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML, in element content and in quoted attributes: every
 * name from the config, the APIs or the store goes through this on its way into
 * an email or the board, so a rule called `<script>` is shown as text.
 */
export const escapeHtml = (text: string): string => (/[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text);
