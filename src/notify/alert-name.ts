/** `bKash agent float` or, when the rule covers several accounts, `UPI · upi_fast`. */
export function alertName(alert: { readonly rule: string; readonly account: string; readonly target: string }): string {
  return alert.account !== alert.target ? `${alert.rule} · ${alert.account}` : alert.rule;
}
