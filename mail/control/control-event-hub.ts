// Fans the daemon's live events out to every GET /v1/events stream. Listeners are called
// synchronously in the publisher's turn, so a listener must only queue work (a socket write),
// never block; one that throws is dropped rather than breaking the publisher.

import type { ControlEvent } from './control-protocol.js';

export type ControlEventListener = (event: ControlEvent) => void;

export class ControlEventHub {
  private readonly listeners = new Set<ControlEventListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ControlEventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(event: ControlEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}
