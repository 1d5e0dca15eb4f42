/**
 * One abort listener per caller signal, however many calls share it: a page walk or an app may
 * pass one `AbortSignal` to hundreds of concurrent calls, and a listener per call makes Node warn
 * (`MaxListenersExceededWarning`) and keeps every call's closure alive until the signal aborts.
 *
 * @module
 */
import type { Transport } from "@connectrpc/connect";

const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/** Run `callback` when `signal` aborts; returns the function that unsubscribes it. */
function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let set = subscribers.get(signal);
  if (set === undefined) {
    const created = new Set<() => void>();
    set = created;
    subscribers.set(signal, created);
    signal.addEventListener(
      "abort",
      () => {
        for (const run of [...created]) run();
        created.clear();
      },
      { once: true },
    );
  }
  set.add(callback);
  const current = set;
  return () => {
    current.delete(callback);
  };
}

/**
 * Wrap a transport so each unary call gets its own signal, linked to the caller's through
 * `onAbort`; the transport's own per-call listeners then sit on that signal, not the shared one.
 */
function withSharedSignals(transport: Transport): Transport {
  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      if (signal === undefined || signal.aborted) {
        return transport.unary(method, signal, timeoutMs, header, input, contextValues);
      }
      const controller = new AbortController();
      const unsubscribe = onAbort(signal, () => controller.abort(signal.reason));
      try {
        return await transport.unary(
          method,
          controller.signal,
          timeoutMs,
          header,
          input,
          contextValues,
        );
      } finally {
        unsubscribe();
      }
    },
    stream(method, signal, timeoutMs, header, input, contextValues) {
      return transport.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
}

export { onAbort, withSharedSignals };
