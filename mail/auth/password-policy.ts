// Refuses passwords that fall to the first minutes of an online guessing attack: short ones,
// the account's own name, keyboard runs and repeats, and the most common passwords of public
// breach lists. Pure. Returns a reason rather than throwing so callers pick their error type.

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/** The most common passwords of at least MIN_PASSWORD_LENGTH characters (lower-cased). */
const COMMON_PASSWORDS = new Set([
  '1234567890', '0123456789', '12345678910', '123456789a', 'a123456789', '1q2w3e4r5t', '1qaz2wsx3edc',
  'qwertyuiop', 'qwerty1234', 'qwerty12345', 'qwerty123456', 'asdfghjkl1', 'zxcvbnm123', 'qazwsxedc123',
  'password12', 'password123', 'password1234', 'password!1', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123',
  'iloveyou123', 'iloveyou12', 'princess123', 'sunshine123', 'football123', 'baseball123', 'michael123',
  'superman123', 'starwars123', 'dragon1234', 'monkey1234', 'letmein123', 'welcome123', 'welcome1234',
  'administrator', 'admin12345', 'admin123456', 'changeme123', 'trustno1234', 'whatever123', 'computer123',
  'internet123', 'abcdefghij', 'abc1234567', 'abcd123456', 'abcdef1234', 'q1w2e3r4t5', 'q1w2e3r4t5y6',
  'asdfasdfasdf', 'qweasdzxc123', 'mypassword', 'mypassword1', 'secret1234', 'password01', 'password2024',
  'password2025', 'password2026', 'summer2024', 'summer2025', 'winter2024', 'winter2025', 'spring2025',
  'autumn2025', 'letmein1234', 'passwordpassword', 'testtest123', 'test123456', 'default123', 'master1234',
  'shadow1234', 'jennifer123', 'jordan2323', 'liverpool1', 'chocolate1', 'butterfly1', 'basketball',
  'basketball1', 'football1', 'password1!', 'elephant123', 'corvette123', 'mustang123', 'hello12345',
  'helloworld', 'helloworld1', 'loveyou123', 'fuckyou123', 'anthony123', 'pokemon123', 'minecraft1',
  'minecraft123', 'unknown123', 'zaq12wsxcde', '1qazxsw23edc', 'azertyuiop', 'qwertzuiop',
]);

/** Rows of common keyboards and alphabets, both ways: substrings of these are not passwords. */
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop',
  'azertyuiop', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', 'qazwsxedcrfvtgbyhnujmikolp', '!@#$%^&*()_+',
].flatMap((s) => [s, [...s].reverse().join('')]);

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'contains_address'
  | 'repeated'
  | 'sequence'
  | 'common';

export interface PasswordVerdict {
  ok: boolean;
  problem?: PasswordProblem;
  /** A sentence for the person choosing the password. */
  message?: string;
}

function isRepetitionOfShortUnit(text: string): boolean {
  // "aaaaaaaaaa", "abababababab", "abcabcabcabc": a unit of up to 3 characters repeated.
  for (let unit = 1; unit <= 3; unit++) {
    if (text.length >= unit * 3 && text === text.slice(0, unit).repeat(Math.ceil(text.length / unit)).slice(0, text.length)) return true;
  }
  return false;
}

function isSimpleSequence(text: string): boolean {
  if (SEQUENCES.some((s) => s.includes(text))) return true;
  // Runs of steadily rising or falling characters in any alphabet, e.g. "13579bdfhj" or "ÀÁÂÃÄÅÆÇÈÉ".
  const codes = [...text].map((c) => c.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  return Math.abs(step) <= 2 && codes.every((c, i) => i === 0 || c - codes[i - 1]! === step);
}

/** Strips trailing digits and punctuation people add to satisfy rules ("password123!"). */
function withoutDecoration(text: string): string {
  return text.replace(/[\d\p{P}\p{S}]+$/u, '');
}

/**
 * Checks a new password for `address` (`local@domain`). Case-insensitive: "Password123" is as
 * weak as "password123".
 */
export function checkPasswordStrength(password: string, address?: string): PasswordVerdict {
  const refuse = (problem: PasswordProblem, message: string): PasswordVerdict => ({ ok: false, problem, message });
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return refuse('too_short', `password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) return refuse('too_long', `password is too long: use at most ${MAX_PASSWORD_LENGTH} characters`);

  const lower = password.toLowerCase();
  const core = withoutDecoration(lower);
  if (address) {
    const at = address.lastIndexOf('@');
    const local = (at >= 0 ? address.slice(0, at) : address).toLowerCase();
    const domainLabel = at >= 0 ? address.slice(at + 1).split('.')[0]!.toLowerCase() : '';
    // A password that is the address, or the name with decoration around it, is the first guess.
    const isName = core === local || core === local + domainLabel || (lower.startsWith(local) && core.length <= local.length + 2);
    if (lower.includes(address.toLowerCase()) || (local.length >= 3 && isName)) {
      return refuse('contains_address', 'password must not be the account name or address');
    }
  }
  if (isRepetitionOfShortUnit(lower)) return refuse('repeated', 'password must not be one character or a short pattern repeated');
  if (isSimpleSequence(lower)) return refuse('sequence', 'password must not be a simple sequence like "1234567890" or "qwertyuiop"');
  // Common passwords as they are, or padded out to length ("password!!!!", "iloveyou2024").
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(core) || COMMON_SHORT.has(core)) {
    return refuse('common', 'password is too common (a well-known password, perhaps with digits added); choose another');
  }
  return { ok: true };
}

/** Very common passwords shorter than the minimum, refused when only digits/symbols pad them out. */
const COMMON_SHORT = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'letmein', 'welcome', 'iloveyou', 'admin',
  'monkey', 'dragon', 'abc', 'abcd', 'abcdef', 'football', 'baseball', 'sunshine', 'princess', 'master',
  'shadow', 'superman', 'trustno', 'secret', 'changeme', 'qwertyuiop', 'asdfgh', 'zxcvbnm', 'summer',
  'winter', 'spring', 'autumn', 'test', 'default', 'login', 'root', 'user', 'mailroom', 'email', 'mail',
]);
