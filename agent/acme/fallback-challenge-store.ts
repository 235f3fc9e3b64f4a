// The agent's HTTP-01 answers when it keeps its ACME state apart from DIR (agent.stateDir): its
// own orders' challenges are in its state directory, while `mailroom tls issue` (run as the mail
// daemon's user, which cannot write the agent's directory) keeps its own in DIR/acme/challenges.
// Whoever holds listen.http must answer both, so lookups try the agent's store and then the
// others, read-only; writes and removals go to the agent's store only.

import type { ChallengeStore } from './challenge-store.js';

export class FallbackChallengeStore implements ChallengeStore {
  constructor(private readonly own: ChallengeStore, private readonly alsoRead: readonly ChallengeStore[]) {}

  put(token: string, keyAuthorization: string): Promise<void> {
    return this.own.put(token, keyAuthorization);
  }

  async get(token: string): Promise<string | null> {
    for (const store of [this.own, ...this.alsoRead]) {
      const found = await store.get(token);
      if (found !== null) return found;
    }
    return null;
  }

  remove(token: string): Promise<void> {
    return this.own.remove(token);
  }
}
