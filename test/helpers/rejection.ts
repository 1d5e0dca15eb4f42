import { ConnectError } from "@connectrpc/connect";
import { expect } from "vitest";

/** Await a promise that must reject with a `ConnectError`, and return that error. */
export async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectError);
    return e as ConnectError;
  }
  throw new Error("expected a rejection");
}
