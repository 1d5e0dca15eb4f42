/**
 * Emulator entry: an in-memory ZITADEL Actions service for development and tests.
 *
 * @module
 */
export {};
