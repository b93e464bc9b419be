/** Whether a name is a time zone this runtime knows (IANA, such as Asia/Dhaka or UTC). */
export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
