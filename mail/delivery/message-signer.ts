// The hook where DKIM signing applies to a submitted message before it is stored or queued.
// A signer takes the message as it streams and returns it with its signature header fields in
// front; the DKIM engineer's signer (mail/queue/dkim-*.ts) plugs in here from mail/main.ts.

export interface SignRequest {
  /** The domain to sign for: the authenticated sender's. */
  domain: string;
  message: AsyncIterable<Buffer>;
}

export type MessageSigner = (request: SignRequest) => AsyncIterable<Buffer>;

/** Signs nothing: the default until DKIM keys exist. */
export const passThroughSigner: MessageSigner = ({ message }) => message;
