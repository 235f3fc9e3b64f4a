// The socket side of a session that reads its own commands (POP3, ManageSieve): replies out with
// backpressure, the STARTTLS switch, the idle timer and the close. A subclass turns the bytes that
// arrive into commands (receive) and forgets them on STARTTLS (discardInput); its reader waits
// for more with waitForInput(). Knows nothing of any protocol.
//
// IMAP has its own (imap/connection.ts): it pulls chunks, holds input for its switches and
// compresses, and its idle timer lives in the session.

import { once } from 'node:events';
import type net from 'node:net';
import type tls from 'node:tls';
import { upgradeToTls } from '../listener/starttls-upgrade.js';

export type ClientSocket = net.Socket | tls.TLSSocket;

export interface ClientConnectionOptions {
  idleTimeoutMs: number;
  /** Implicit TLS: the socket is already a finished TLS socket. */
  secure: boolean;
  onIdle: () => void;
}

/** Lets the last words out before the socket is destroyed, if the client does not close first. */
const LINGER_MS = 2000;

export abstract class ClientConnection {
  protected socket: ClientSocket;
  private waiter: (() => void) | null = null;
  private closedFlag = false;
  private readonly closeCallbacks: (() => void)[] = [];
  secure: boolean;

  constructor(socket: ClientSocket, private readonly connectionOptions: ClientConnectionOptions) {
    this.socket = socket;
    this.secure = connectionOptions.secure;
    this.attach(socket);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  onClose(cb: () => void): void {
    if (this.closedFlag) cb(); else this.closeCallbacks.push(cb);
  }

  /**
   * Resolves once the socket has closed: when the client closes after our last words, or when
   * end()'s timer destroys it. Destroying it at once instead could drop a last response still
   * on its way through TLS.
   */
  whenClosed(): Promise<void> {
    return new Promise((resolve) => this.onClose(resolve));
  }

  /** Writes and waits while the socket's buffer is full; never throws (a dead socket ends the session by its close). */
  async write(data: string | Buffer): Promise<void> {
    if (this.closedFlag || this.socket.destroyed) return;
    if (this.socket.write(data)) return;
    await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]).catch(() => undefined);
  }

  /**
   * STARTTLS/STLS, after our OK: the client starts its handshake. Whatever it sent in the clear
   * after the command is thrown away (RFC 2595 section 4: a man in the middle could have injected it).
   */
  async startTls(context: tls.SecureContext): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    this.discardInput();
    const upgrade = upgradeToTls(raw as net.Socket, context);
    this.socket = upgrade.socket;
    this.attach(upgrade.socket);
    await upgrade.handshake;
    this.secure = true;
  }

  /** Sends the last words and closes our side; the socket goes when the client closes, or soon after. */
  async end(last?: string): Promise<void> {
    if (this.closedFlag) return;
    if (last) await this.write(last);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Bytes from the client, in order. */
  protected abstract receive(chunk: Buffer): void;

  /** STARTTLS: forget what was received in the clear and not yet read. */
  protected abstract discardInput(): void;

  /** Resolves on the next receive() or on the close; the reader then looks again. */
  protected waitForInput(): Promise<void> {
    return new Promise<void>((resolve) => { this.waiter = resolve; });
  }

  /** Wakes the reader waiting in waitForInput(). */
  protected wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  private readonly onTimeout = () => this.connectionOptions.onIdle();

  private readonly onGone = () => {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.wake();
    for (const cb of this.closeCallbacks.splice(0)) cb();
  };

  private attach(socket: ClientSocket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onGone);
    socket.on('error', () => { /* 'close' follows; the session logs the end */ });
    socket.setTimeout(this.connectionOptions.idleTimeoutMs);
    socket.on('timeout', this.onTimeout);
  }

  private detach(socket: ClientSocket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onGone);
    socket.off('timeout', this.onTimeout);
    socket.setTimeout(0);
  }
}
