/**
 * Pagination: `Paginated<T>` walks ZITADEL's offset/limit list RPCs page by page. This is the only
 * module that handles offsets, limits and 64-bit totals; everywhere else they are plain numbers.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { invalidArgument } from "./errors.js";

/**
 * Paging fields shared by every list method's query.
 */
interface PageQuery {
  /** Items per request (default 100, at most 1000, ZITADEL's maximum). */
  pageSize?: number;
  /** Items to skip before the first one (default 0). */
  offset?: number;
  /** The most items to return in total (default: all). */
  limit?: number;
  /** Pages fetched in parallel once the total is known (default 1, at most 16); order is kept. */
  concurrency?: number;
}

/**
 * One page of a walk: its items (without ids already seen in this walk), the server's total,
 * and the offset and limit that were requested.
 */
type Page<T, X = unknown> = {
  items: T[];
  total: number;
  offset: number;
  limit: number;
} & X;

/**
 * A list result: iterate it with `for await`, walk `.pages()`, or collect with `.toArray()`.
 * Every iteration starts a fresh walk; `break` and an aborted `signal` stop further requests.
 */
interface Paginated<T, X = unknown> extends AsyncIterable<T> {
  /** Walk the pages in order. */
  pages(): AsyncGenerator<Page<T, X>, void, undefined>;
  /** Collect the items, at most `max` of them (default: all). */
  toArray(options?: { max?: number }): Promise<T[]>;
}

/**
 * The offset and limit of one request, in the wire types of `PaginationRequest` and `ListQuery`.
 */
interface PageWindow {
  offset: bigint;
  limit: number;
}

/**
 * What a list RPC returned for one window: the items, the total (if the server sent one) and
 * any extra page fields.
 */
interface FetchedPage<T, X> {
  items: T[];
  total: bigint | undefined;
  extra: X;
}

/**
 * Fetch one page; `signal` is aborted when the walk ends early.
 */
type PageFetcher<T, X> = (window: PageWindow, signal: AbortSignal) => Promise<FetchedPage<T, X>>;

/**
 * Options of `paginate`.
 */
interface PaginateOptions<T, X> {
  /** The paging fields of the user's query. */
  query: PageQuery;
  /** Validate the query and return the page fetcher; called at the start of every walk. */
  prepare: () => PageFetcher<T, X>;
  /** The id used to drop items already seen in this walk. */
  key: (item: T) => string;
  /** The caller's signal; aborting it rejects the walk with `Code.Canceled`. */
  signal?: AbortSignal | undefined;
}

const defaultPageSize = 100;
const maxPageSize = 1000;
const maxConcurrency = 16;

/**
 * Create a `Paginated<T>` over a list RPC. Validation errors and server errors reject the walk.
 */
function paginate<T, X = unknown>(options: PaginateOptions<T, X>): Paginated<T, X> {
  const pages = (cap?: number) => walk(options, cap);
  return {
    pages: () => pages(),
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) {
        for (const item of page.items) {
          // An abort mid-page ends the loop at once, not after the page already fetched.
          throwIfAborted(options.signal);
          yield item;
        }
      }
    },
    async toArray(arrayOptions = {}) {
      const { max } = arrayOptions;
      if (max !== undefined && !isCount(max)) {
        throw invalidArgument("max", `must be a whole number of items >= 0, got ${max}`);
      }
      const items: T[] = [];
      for await (const page of pages(max)) {
        items.push(...page.items);
      }
      return items;
    },
  };
}

/**
 * Return a 64-bit count as a `number`, refusing values that a `number` cannot hold exactly.
 */
function numberFromUint64(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < 0n) {
    throw new ConnectError(
      `${field}: ${value} is outside the safe integer range of a JavaScript number`,
      Code.OutOfRange,
    );
  }
  return Number(value);
}

interface Scheduled<T, X> {
  window: PageWindow;
  result: Promise<FetchedPage<T, X>>;
}

async function* walk<T, X>(
  options: PaginateOptions<T, X>,
  maxItems: number | undefined,
): AsyncGenerator<Page<T, X>, void, undefined> {
  const { signal } = options;
  throwIfAborted(signal);
  const settings = readPageQuery(options.query);
  const fetchPage = options.prepare();
  const cap = minDefined(settings.limit, maxItems);
  const end = cap === undefined ? Number.POSITIVE_INFINITY : settings.offset + cap;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const seen = new Set<string>();
  const queue: Scheduled<T, X>[] = [];
  let nextOffset = settings.offset;
  let total: number | undefined;
  let returned = 0;
  const schedule = () => {
    const depth = total === undefined ? 1 : settings.concurrency;
    const bound = Math.min(end, total ?? Number.POSITIVE_INFINITY);
    while (queue.length < depth && nextOffset < bound) {
      const window: PageWindow = {
        offset: BigInt(nextOffset),
        limit: Math.min(settings.pageSize, end - nextOffset),
      };
      const result = fetchPage(window, controller.signal);
      // A page fetched ahead may never be awaited (the walk stopped); do not report its failure.
      result.catch(() => {});
      queue.push({ window, result });
      nextOffset += window.limit;
    }
  };
  try {
    while (cap === undefined || returned < cap) {
      throwIfAborted(signal);
      schedule();
      const next = queue.shift();
      if (next === undefined) {
        return;
      }
      const fetched = await awaitPage(next.result, signal);
      const received = fetched.items.length;
      if (received > 0 && fetched.total !== undefined && fetched.total > 0n) {
        total = numberFromUint64(fetched.total, "total");
      }
      const items: T[] = [];
      for (const item of fetched.items) {
        const id = options.key(item);
        if (seen.has(id) || (cap !== undefined && returned + items.length >= cap)) {
          continue;
        }
        seen.add(id);
        items.push(item);
      }
      returned += items.length;
      yield {
        ...fetched.extra,
        items,
        total:
          fetched.total === undefined ? (total ?? 0) : numberFromUint64(fetched.total, "total"),
        offset: Number(next.window.offset),
        limit: next.window.limit,
      } as Page<T, X>;
      const windowEnd = Number(next.window.offset) + next.window.limit;
      if (received === 0 || received < next.window.limit) {
        return;
      }
      if (total !== undefined && windowEnd >= total) {
        return;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    controller.abort();
  }
}

async function awaitPage<T, X>(
  result: Promise<FetchedPage<T, X>>,
  signal: AbortSignal | undefined,
): Promise<FetchedPage<T, X>> {
  try {
    return await result;
  } catch (err) {
    if (signal?.aborted) {
      throw canceled(signal);
    }
    throw err;
  }
}

function readPageQuery(query: PageQuery): {
  pageSize: number;
  offset: number;
  limit: number | undefined;
  concurrency: number;
} {
  const { pageSize = defaultPageSize, offset = 0, limit, concurrency = 1 } = query;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    throw invalidArgument(
      "pageSize",
      `must be a whole number from 1 to ${maxPageSize}, got ${pageSize}`,
    );
  }
  if (!isCount(offset)) {
    throw invalidArgument("offset", `must be a whole number >= 0, got ${offset}`);
  }
  if (limit !== undefined && !isCount(limit)) {
    throw invalidArgument("limit", `must be a whole number of items >= 0, got ${limit}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maxConcurrency) {
    throw invalidArgument(
      "concurrency",
      `must be a whole number from 1 to ${maxConcurrency}, got ${concurrency}`,
    );
  }
  return { pageSize, offset, limit, concurrency };
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw canceled(signal);
  }
}

function canceled(signal: AbortSignal): ConnectError {
  return new ConnectError(
    "the walk was aborted by its signal",
    Code.Canceled,
    undefined,
    undefined,
    signal.reason,
  );
}

export type { FetchedPage, Page, PageFetcher, PageQuery, PageWindow, Paginated, PaginateOptions };
export { numberFromUint64, paginate };
