// Shutdown for a session that runs one command at a time (POP3, ManageSieve): an idle session
// says goodbye at once, a busy one right after its current command, so no command is cut off
// half-way (a POP3 QUIT's expunge, a PUTSCRIPT's write).
//
// IMAP has its own rules (IDLE is interrupted, an APPEND being received finishes): imap-session.ts.

export class CommandTurns {
  private busy = false;
  private draining = false;

  /** `goodbye` sends the protocol's shutdown line and closes; it does nothing on a closed connection. */
  constructor(private readonly goodbye: () => Promise<void>) {}

  /** Not in the middle of a command: a shutdown may say goodbye now. */
  get idle(): boolean {
    return !this.busy;
  }

  /**
   * Runs one command. `command` resolves true when it ended the session (LOGOUT, too many
   * errors). Resolves true when the session is over: the command ended it, or a shutdown came
   * meanwhile and goodbye has been said.
   */
  async take(command: () => Promise<boolean>): Promise<boolean> {
    this.busy = true;
    let over: boolean;
    try {
      over = await command();
    } finally {
      this.busy = false;
    }
    if (over) return true;
    if (!this.draining) return false;
    await this.goodbye();
    return true;
  }

  /** Shutdown: goodbye now when idle, else after the current command (take). */
  shutdown(): void {
    this.draining = true;
    if (!this.busy) void this.goodbye();
  }
}
