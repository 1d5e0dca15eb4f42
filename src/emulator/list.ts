import { Code, ConnectError } from "@connectrpc/connect";
import { zitadelError } from "./errors.js";

/** The effective window of one list call. */
interface Window {
  offset: number;
  limit: number;
}

const defaultLimit = 100;
const maxLimit = 1000;

/** Resolve a v2 `PaginationRequest` (or a v1 `ListQuery`) into a window, rejecting limits above 1000. */
function resolveWindow(
  pagination: { offset: bigint; limit: number } | undefined,
  zeroLimit = defaultLimit,
): Window {
  const limit = pagination === undefined || pagination.limit === 0 ? zeroLimit : pagination.limit;
  if (limit > maxLimit) {
    throw zitadelError(Code.InvalidArgument, "QUERY-4M0fs", "Limit exceeded");
  }
  const offset = pagination?.offset ?? 0n;
  return {
    offset: offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(offset),
    limit,
  };
}

/** Cut a page out of all matches; the total is 0 when the page is empty, as ZITADEL reports it. */
function page<T>(all: T[], window: Window): { items: T[]; total: bigint } {
  const items = all.slice(window.offset, window.offset + window.limit);
  return { items, total: items.length === 0 ? 0n : BigInt(all.length) };
}

/** Match a value with one of the 8 text methods (0..7, same numbering in v2 and v1); wildcards are literal. */
function matchText(value: string, wanted: string, method: number): boolean {
  const ignoreCase = method % 2 === 1;
  const v = ignoreCase ? value.toLowerCase() : value;
  const w = ignoreCase ? wanted.toLowerCase() : wanted;
  switch (method) {
    case 0:
    case 1:
      return v === w;
    case 2:
    case 3:
      return v.startsWith(w);
    case 4:
    case 5:
      return v.includes(w);
    case 6:
    case 7:
      return v.endsWith(w);
    default:
      return false;
  }
}

/** Compare two sort keys (bigint, number, string or boolean). */
function compareKeys(
  a: bigint | number | string | boolean,
  b: bigint | number | string | boolean,
): number {
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Sort items by a key, ties by id, ascending or descending. */
function sortBy<T extends { id: string }>(
  items: T[],
  key: (item: T) => bigint | number | string | boolean,
  asc: boolean,
): T[] {
  const dir = asc ? 1 : -1;
  return items.sort((x, y) => dir * (compareKeys(key(x), key(y)) || compareKeys(x.id, y.id)));
}

/** Fail like ZITADEL does on an empty IN list: a plain Go error, code Unknown, no id. */
function emptyInList(): ConnectError {
  return new ConnectError("values array must not be empty", Code.Unknown);
}

export type { Window };
export { emptyInList, matchText, page, resolveWindow, sortBy };
