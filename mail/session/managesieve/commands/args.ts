// Argument checks shared by the command handlers: a command's arguments must be exactly the
// strings and numbers it takes.

import type { CommandArg } from '../../../protocol/managesieve/index.js';
import { manageSieveErrors } from '../errors.js';

export function strings(verb: string, args: readonly CommandArg[], min: number, max = min): string[] {
  if (args.length < min || args.length > max || args.some((a) => a.kind !== 'string')) {
    throw manageSieveErrors.syntax(`${verb} takes ${min === max ? min : `${min} to ${max}`} string argument${max === 1 ? '' : 's'}`);
  }
  return args.map((a) => a.value as string);
}
