/** Trimmed and lower-cased: the form in which addresses are compared and stored uniquely. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailDomain(email: string): string {
  return normalizeEmail(email).split("@").pop() ?? "";
}

/**
 * The name an address stands for until its person gives one: its local part. Send Invite names an
 * account it creates so, and the Users list and member page show an invited member so (migration
 * 0010 keeps the list's sort and search keys the same way).
 */
export function nameFromAddress(email: string): string {
  return email.split("@")[0] || email;
}
