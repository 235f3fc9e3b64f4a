// Mailroom's own SPF, DKIM and DMARC results (pipeline/message-auth.ts, RFC 8601 method results
// such as "spf=pass smtp.mailfrom=a.example") in the form rspamd's http_headers module reads
// from the request: SPF: {"result": ...}, DKIM: {"results": [{"result", "domain"}]},
// DMARC: {"result": ...}. The appliance's rspamd has that module on
// (provisioning/etc/rspamd/local.d/http_headers.conf), which turns rspamd's own SPF, DKIM and
// DMARC checks off and scores these instead: the message is verified once, by Mailroom, and
// rspamd makes none of the DNS lookups again. Pure.

export interface VerifiedResults {
  spf: string;
  dkim: readonly string[];
  dmarc: string;
  /** The DMARC policy that applied (after sp=), or null. */
  dmarcPolicy: string | null;
}

export interface RspamdAuthHeaders {
  SPF: string;
  DKIM: string;
  DMARC: string;
}

/** The result keyword of one method result: "dkim=pass header.d=x" -> "pass". */
function resultOf(methodResult: string): string {
  const m = /^\s*[a-z0-9-]+\s*=\s*([a-z]+)/i.exec(methodResult);
  return m ? m[1]!.toLowerCase() : 'none';
}

/** The words http_headers.lua knows for SPF and DKIM. */
function spfOrDkim(result: string): string {
  switch (result) {
    case 'pass': return 'pass';
    case 'fail': case 'policy': return 'fail';
    case 'softfail': return 'softfail';
    case 'neutral': return 'neutral';
    case 'temperror': return 'tempfail';
    case 'permerror': return 'permfail';
    default: return 'na'; // none
  }
}

function dmarcOf(result: string, policy: string | null): string {
  switch (result) {
    case 'pass': return 'pass';
    // A failure counts as what the domain asked for (rspamd's own DMARC_POLICY_* symbols).
    case 'fail': return policy === 'reject' ? 'reject' : policy === 'quarantine' ? 'quarantine' : 'softfail';
    case 'temperror': return 'tempfail';
    case 'permerror': return 'permfail';
    default: return 'na'; // none: the domain publishes no policy
  }
}

export function rspamdAuthHeaders(v: VerifiedResults): RspamdAuthHeaders {
  // "dkim=none" alone is the absence of signatures: rspamd's R_DKIM_NA.
  const signatures = v.dkim.filter((r) => resultOf(r) !== 'none');
  const dkim = signatures.map((r) => ({ result: spfOrDkim(resultOf(r)), domain: /header\.d=([^\s;]+)/i.exec(r)?.[1] ?? 'unknown' }));
  return {
    SPF: JSON.stringify({ result: spfOrDkim(resultOf(v.spf)) }),
    DKIM: JSON.stringify(dkim.length > 0 ? { results: dkim } : { result: 'na' }),
    DMARC: JSON.stringify({ result: dmarcOf(resultOf(v.dmarc), v.dmarcPolicy) }),
  };
}
