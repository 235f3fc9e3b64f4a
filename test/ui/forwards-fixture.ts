// The agent fixture for the forwarders tests: agent-fixture.ts now serves the forwarders store
// behind its control socket itself, as mail/main.ts does, so this only names it.

import { startAgentFixture, type AgentFixture, type AgentFixtureOptions } from './agent-fixture.js';

export function startForwardsFixture(options: AgentFixtureOptions = {}): Promise<AgentFixture> {
  return startAgentFixture(options);
}
