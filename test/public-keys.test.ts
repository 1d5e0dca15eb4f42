import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PublicKeyFieldName } from "../gen/zitadel/action/v2/query_pb.js";
import { TimestampFilterMethod } from "../gen/zitadel/filter/v2/filter_pb.js";
import type { ActionsClient } from "../src/client.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;
let client: ActionsClient;
const when = new Date("2031-01-01T00:00:00.000Z");
const pem = [
  "-----BEGIN PUBLIC KEY-----",
  "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWq6F0j8Z1ZyA9rzJ8cJt9Wq8Q1m6",
  "0+3b0mYqJ2Yp3W3n4zj0lCg8cYdOe3b0T2dC5Zq3V0eYcKp3WcF8nYl0Sg==",
  "-----END PUBLIC KEY-----",
  "",
].join("\n");

beforeAll(async () => {
  server = await startRecordingServer();
  client = server.client();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe("addPublicKey", () => {
  it("sends a PEM string as its bytes, with the expiration date", async () => {
    server.handle("addPublicKey", () => ({ keyId: "k1", creationDate: timestampFromDate(when) }));
    const result = await client.addPublicKey({
      targetId: "t1",
      publicKey: pem,
      expirationDate: "2031-06-01T00:00:00Z",
    });
    expect(result).toEqual({ keyId: "k1", creationDate: when });
    const [call] = server.callsOf("addPublicKey");
    expect(call?.request.targetId).toBe("t1");
    expect(new TextDecoder().decode(call?.request.publicKey)).toBe(pem);
    expect(call?.request.expirationDate?.seconds).toBe(
      BigInt(Date.parse("2031-06-01T00:00:00Z") / 1000),
    );
  });

  it("sends bytes as they are and no expiration when none is given", async () => {
    const bytes = new TextEncoder().encode(pem);
    await client.addPublicKey({ targetId: "t1", publicKey: bytes });
    const [call] = server.callsOf("addPublicKey");
    expect(call?.request.publicKey).toEqual(bytes);
    expect(call?.request.expirationDate).toBeUndefined();
  });

  it.each([
    [{ targetId: "", publicKey: pem }, /^targetId: must be a non-empty id/],
    [{ targetId: "t1", publicKey: "MFkwEwYHKoZIzj0" }, /^publicKey: must be a PEM block/],
    [{ targetId: "t1", publicKey: new Uint8Array() }, /^publicKey: must be 1 to 8192 bytes/],
    [{ targetId: "t1", publicKey: new Uint8Array(8193) }, /^publicKey: must be 1 to 8192 bytes/],
    [
      { targetId: "t1", publicKey: pem, expirationDate: "tomorrow" },
      /^expirationDate: must be an RFC 3339/,
    ],
  ])("rejects %# before sending", async (input, rule) => {
    const error = (await client
      .addPublicKey(input as never)
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });
});

describe("activatePublicKey / deactivatePublicKey / removePublicKey", () => {
  it("send the target and key ids and return the dates", async () => {
    server.handle("activatePublicKey", () => ({ changeDate: timestampFromDate(when) }));
    server.handle("deactivatePublicKey", () => ({ changeDate: timestampFromDate(when) }));
    server.handle("removePublicKey", () => ({ deletionDate: timestampFromDate(when) }));
    const ref = { targetId: "t1", keyId: "k1" };
    expect(await client.activatePublicKey(ref)).toEqual({ changeDate: when });
    expect(await client.deactivatePublicKey(ref)).toEqual({ changeDate: when });
    expect(await client.removePublicKey(ref)).toEqual({ deletionDate: when });
    expect(server.calls.map((call) => [call.method, call.request])).toMatchObject([
      ["activatePublicKey", ref],
      ["deactivatePublicKey", ref],
      ["removePublicKey", ref],
    ]);
  });

  it.each(["activatePublicKey", "deactivatePublicKey", "removePublicKey"] as const)(
    "%s rejects an empty key id before sending",
    async (name) => {
      await expect(client[name]({ targetId: "t1", keyId: "" })).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: "keyId: must be a non-empty id",
      });
      expect(server.calls).toHaveLength(0);
    },
  );
});

describe("listPublicKeys", () => {
  it("sends the filters and returns keys as PEM strings with Dates", async () => {
    server.handle("listPublicKeys", () => ({
      pagination: { totalResult: 1n, appliedLimit: 100n },
      publicKeys: [
        {
          keyId: "k1",
          active: true,
          publicKey: new TextEncoder().encode(pem),
          fingerprint: "SHA256:abc",
          creationDate: timestampFromDate(when),
          changeDate: timestampFromDate(when),
        },
      ],
    }));
    const keys = await client
      .listPublicKeys({
        targetId: "t1",
        ids: ["k1"],
        active: true,
        expiration: { beforeOrEquals: when },
        sortBy: "expiration_date",
      })
      .toArray();
    expect(keys).toEqual([
      {
        keyId: "k1",
        active: true,
        publicKey: pem,
        fingerprint: "SHA256:abc",
        expirationDate: undefined,
        creationDate: when,
        changeDate: when,
      },
    ]);
    const [call] = server.callsOf("listPublicKeys");
    expect(call?.request.targetId).toBe("t1");
    expect(call?.request.sortingColumn).toBe(PublicKeyFieldName.EXPIRATION_DATE);
    expect(call?.request.filters.map((filter) => filter.filter)).toMatchObject([
      { case: "keyIdsFilter", value: { ids: ["k1"] } },
      { case: "activeFilter", value: true },
      {
        case: "expirationDateFilter",
        value: {
          method: TimestampFilterMethod.BEFORE_OR_EQUALS,
          timestamp: { seconds: BigInt(when.getTime() / 1000) },
        },
      },
    ]);
  });

  it.each([
    ["before", TimestampFilterMethod.BEFORE],
    ["after", TimestampFilterMethod.AFTER],
    ["afterOrEquals", TimestampFilterMethod.AFTER_OR_EQUALS],
    ["equals", TimestampFilterMethod.EQUALS],
  ])("maps expiration.%s to its filter method", async (op, method) => {
    await client.listPublicKeys({ targetId: "t1", expiration: { [op]: when } as never }).toArray();
    expect(server.callsOf("listPublicKeys")[0]?.request.filters[0]?.filter).toMatchObject({
      case: "expirationDateFilter",
      value: { method },
    });
  });

  it.each([
    [{ targetId: "" }, /^targetId: must be a non-empty id/],
    [{ targetId: "t1", expiration: {} }, /^expiration: must have exactly one of/],
    [{ targetId: "t1", active: "yes" }, /^active: must be a boolean/],
    [{ targetId: "t1", ids: [] }, /^ids: must be a non-empty array/],
  ])("rejects %o before sending", async (query, rule) => {
    const error = (await client
      .listPublicKeys(query as never)
      .toArray()
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });
});
