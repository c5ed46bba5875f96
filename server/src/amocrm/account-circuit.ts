/** Accounts amoCRM has blocked, shared by every client in the process (and persisted by the owner). */
export interface AccountCircuit {
  openUntil(accountId: number): Date | undefined;
  open(accountId: number, until: Date, reason: string): void;
}

export function createAccountCircuit(
  onOpen?: (accountId: number, until: Date, reason: string) => void,
): AccountCircuit {
  const open = new Map<number, Date>();
  return {
    openUntil(accountId) {
      const until = open.get(accountId);
      if (until && until.getTime() <= Date.now()) open.delete(accountId);
      return open.get(accountId);
    },
    open(accountId, until, reason) {
      open.set(accountId, until);
      onOpen?.(accountId, until, reason);
    },
  };
}
