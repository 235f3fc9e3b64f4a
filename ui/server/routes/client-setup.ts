// Mail client setup: Thunderbird autoconfig (both the well-known path on the mail domain and
// the autoconfig.DOMAIN host form), Microsoft autodiscover, both public and served on the HTTP
// listener (port 80) as well as HTTPS; and an Apple .mobileconfig per user, for a logged-in
// admin only (it names the account). Only this server's own domains get an answer.

import { normalizeAddress, normalizeDomain } from '../../../core/address.js';
import { ApiError } from '../api-error.js';
import { route, SENT, type ApiContext, type ApiRoute } from '../api-route.js';
import { autoconfigXml } from '../client-setup/autoconfig-xml.js';
import { autodiscoverAddress, autodiscoverXml } from '../client-setup/autodiscover-xml.js';
import { mobileconfigFilename, mobileconfigXml } from '../client-setup/mobileconfig.js';
import type { AdminServerDeps } from '../deps.js';

const XML = 'application/xml; charset=utf-8';

/** The mail domain a request is about: from ?emailaddress=, else from the Host (autoconfig.DOMAIN or DOMAIN). */
function requestedDomain(ctx: ApiContext): string {
  const email = ctx.query.get('emailaddress');
  if (email !== null) {
    const address = normalizeAddress(email);
    if (!address) throw new ApiError(400, 'invalid_address', `"${email}" is not a valid address (expected local@domain)`);
    return address.slice(address.lastIndexOf('@') + 1);
  }
  const host = (ctx.req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const domain = normalizeDomain(host.startsWith('autoconfig.') ? host.slice('autoconfig.'.length) : host);
  if (!domain) throw new ApiError(400, 'invalid_request', 'give the address as ?emailaddress=');
  return domain;
}

async function requireHostedDomain(deps: AdminServerDeps, domain: string): Promise<void> {
  const domains = await deps.control.listDomains();
  if (!domains.some((d) => d.name === domain)) throw new ApiError(404, 'domain_unknown', `${domain} is not a mail domain of this server`);
}

export function clientSetupRoutes(deps: AdminServerDeps): ApiRoute[] {
  const autoconfig = async (ctx: ApiContext) => {
    const domain = requestedDomain(ctx);
    await requireHostedDomain(deps, domain);
    ctx.res.set({ 'content-type': XML, 'cache-control': 'max-age=3600' }).send(autoconfigXml(domain, deps.clientSetup));
    return SENT;
  };
  const xmlResponse = { description: 'The settings', contentType: XML, schema: { type: 'string' } };
  return [
    route({
      method: 'get', path: '/.well-known/autoconfig/mail/config-v1.1.xml', tag: 'client-setup', access: 'public',
      summary: 'Thunderbird autoconfig (also on the HTTP listener)', response: xmlResponse,
      query: [{ name: 'emailaddress', description: 'the address being set up' }],
      handle: autoconfig,
    }),
    route({
      method: 'get', path: '/mail/config-v1.1.xml', tag: 'client-setup', access: 'public',
      summary: 'Thunderbird autoconfig at autoconfig.DOMAIN (also on the HTTP listener)', response: xmlResponse,
      query: [{ name: 'emailaddress', description: 'the address being set up' }],
      handle: autoconfig,
    }),
    route({
      method: 'post', path: '/autodiscover/autodiscover.xml', tag: 'client-setup', access: 'public', textBody: 'text/xml',
      summary: 'Microsoft autodiscover (POX; also on the HTTP listener)', response: xmlResponse,
      async handle(ctx) {
        const raw = autodiscoverAddress(String(ctx.body ?? ''));
        const address = raw === null ? null : normalizeAddress(raw);
        if (!address) throw new ApiError(400, 'invalid_request', 'the request has no valid <EMailAddress>');
        await requireHostedDomain(deps, address.slice(address.lastIndexOf('@') + 1));
        ctx.res.set({ 'content-type': XML, 'cache-control': 'no-store' }).send(autodiscoverXml(address, deps.clientSetup));
        return SENT;
      },
    }),
  ];
}

export function mobileconfigRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/users/{address}/mobileconfig', tag: 'client-setup', access: 'session',
      summary: 'An Apple configuration profile for one mail account',
      response: { description: 'The profile', contentType: 'application/x-apple-aspen-config', schema: { type: 'string' } },
      async handle({ params, res }) {
        const user = await deps.control.getUser(params.address!);
        const profile = mobileconfigXml(user.address, deps.clientSetup);
        if (!profile) throw new ApiError(409, 'no_mail_services', 'no IMAP/POP3 and submission listeners are configured for clients');
        res.set({
          'content-type': 'application/x-apple-aspen-config; charset=utf-8',
          'content-disposition': `attachment; filename="${mobileconfigFilename(user.address)}"`,
          'cache-control': 'no-store',
        }).send(profile);
        return SENT;
      },
    }),
  ];
}
