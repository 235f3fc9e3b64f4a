// Source text to a runnable script, or a SieveSyntaxError with line and column.

import { SieveSyntaxError } from './errors.js';
import { parseSyntax } from './parser.js';
import type { SieveScript } from './script.js';
import { validateScript } from './validate.js';

export function compileSieve(source: string): SieveScript {
  if (source.includes('\0')) throw new SieveSyntaxError({ line: 1, column: 1 }, 'a script cannot contain NUL characters');
  return validateScript(parseSyntax(source));
}
