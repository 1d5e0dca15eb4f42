import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import type { ActionsClient } from "../src/client.js";
import { invalidArgument, zitadelErrorDetail } from "../src/errors.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;

beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe("zitadelErrorDetail", () => {
  it.each(["grpc", "grpc-web", "connect"] as const)(
    "reads ZITADEL's { id, message } detail from a real %s rejection",
    async (protocol) => {
      const client: ActionsClient = server.client({ protocol, httpVersion: "2" });
      server.handle("getTarget", () => {
        throw new ConnectError("Target not found (QUERY-hj5oaniyrz)", Code.NotFound, undefined, [
          {
            desc: ErrorDetailSchema,
            value: { id: "QUERY-hj5oaniyrz", message: "Target not found" },
          },
        ]);
      });
      const error = await client.getTarget({ id: "missing" }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.NotFound);
      expect(zitadelErrorDetail(error)).toEqual({
        id: "QUERY-hj5oaniyrz",
        message: "Target not found",
      });
    },
  );

  it("returns undefined for a rejection without ZITADEL detail", async () => {
    server.handle("getTarget", () => {
      throw new ConnectError("invalid GetTargetRequest.Id", Code.InvalidArgument);
    });
    const error = await server
      .client()
      .getTarget({ id: "x" })
      .catch((err: unknown) => err);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect(zitadelErrorDetail(error)).toBeUndefined();
  });

  it.each([new Error("plain"), "text", undefined, null])("returns undefined for %o", (value) => {
    expect(zitadelErrorDetail(value)).toBeUndefined();
  });
});

describe("invalidArgument", () => {
  it("creates a plain ConnectError naming field and rule", () => {
    const error = invalidArgument("timeout", "must be at most 270s");
    expect(error).toBeInstanceOf(ConnectError);
    expect(Object.getPrototypeOf(error)).toBe(ConnectError.prototype);
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe("timeout: must be at most 270s");
    expect(error.message).toBe("[invalid_argument] timeout: must be at most 270s");
  });
});
