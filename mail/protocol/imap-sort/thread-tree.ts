// The result of THREAD (RFC 5256) and its wire form.
//
//   (2)(3 6 (4 23)(44 7 96))
//
// A thread is written as its chain of single children ("3 6"), then, where a message has
// several children, each child's thread in parentheses with no space between them. A root
// without a message of its own (a "dummy", kept only to join siblings) has no number.

export interface ThreadNode {
  /** Message number (sequence number or UID); null for a dummy. */
  id: number | null;
  children: ThreadNode[];
}

function threadBody(node: ThreadNode): string {
  const items: string[] = [];
  let at = node;
  // Chains can be thousands of replies long: walk them in a loop, recurse only at branches.
  for (;;) {
    if (at.id !== null) items.push(String(at.id));
    if (at.children.length === 1) {
      at = at.children[0]!;
      continue;
    }
    if (at.children.length > 1) items.push(at.children.map((c) => `(${threadBody(c)})`).join(''));
    return items.join(' ');
  }
}

/** The thread-list of a THREAD response (without "* THREAD "). */
export function formatThreads(roots: readonly ThreadNode[]): string {
  return roots.map((r) => `(${threadBody(r)})`).join('');
}
