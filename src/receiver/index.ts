/**
 * Receiver entry: helpers for the HTTP endpoints that ZITADEL calls.
 *
 * @module
 */
export {};
