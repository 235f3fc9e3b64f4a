// A stand-in for the privileged helper in the agent's update tests: each call is recorded as
// [command, args] and answered by `answer`.

import type { HelperCaller } from '../../../agent/helper/helper-client.js';

export function recordingHelper(answer: (command: string, args: unknown) => unknown): { helper: HelperCaller; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const helper: HelperCaller = {
    async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
      calls.push([command, args]);
      return answer(command, args) as T;
    },
  };
  return { helper, calls };
}
