import { describe, expect, it } from "vitest";
import {
  computeSignatureHeader,
  SIGNATURE_HEADER,
  type SignatureFailureReason,
  verifySignature,
} from "../src/receiver/index.js";
import { OTHER_SIGNING_KEY, SIGNING_KEY } from "./helpers/receiver-fixtures.js";
import { opensslHmacSha256Hex, opensslSignatureHeader } from "./helpers/receiver-openssl.js";

const T = 1_795_000_000; // a fixed unix second (2026-11)
const NOW = T * 1000;
const BODY = '{"fullMethod":"/zitadel.user.v2.UserService/AddHumanUser","request":{}}';

describe("signature vectors computed by openssl", () => {
  const vectors: { name: string; key: string; body: string | Uint8Array }[] = [
    { name: "JSON body", key: SIGNING_KEY, body: BODY },
    { name: "empty body", key: SIGNING_KEY, body: "" },
    { name: "UTF-8 body", key: OTHER_SIGNING_KEY, body: '{"name":"Zoë ✓ 東京"}' },
    {
      name: "compact JWT body",
      key: "k",
      body: "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2lnbmF0dXJl",
    },
    { name: "binary body", key: SIGNING_KEY, body: new Uint8Array([0, 255, 10, 13, 128]) },
  ];

  for (const v of vectors) {
    it(`verifies and reproduces the openssl header: ${v.name}`, async () => {
      const header = opensslSignatureHeader([v.key], T, v.body);
      expect(await verifySignature({ body: v.body, header, signingKeys: v.key, now: NOW })).toEqual(
        { ok: true, timestamp: new Date(NOW) },
      );
      expect(
        await computeSignatureHeader({ body: v.body, signingKeys: v.key, timestamp: NOW + 999 }),
      ).toBe(header);
    });
  }

  it("computes one v1 part per key, in order, matching openssl", async () => {
    const header = await computeSignatureHeader({
      body: BODY,
      signingKeys: [SIGNING_KEY, OTHER_SIGNING_KEY],
      timestamp: new Date(NOW),
    });
    expect(header).toBe(opensslSignatureHeader([SIGNING_KEY, OTHER_SIGNING_KEY], T, BODY));
    expect(header.split(",")).toHaveLength(3);
  });

  it("MACs the exact bytes '<t>.<body>' (sanity check of the helper itself)", () => {
    expect(opensslHmacSha256Hex("key", "The quick brown fox jumps over the lazy dog")).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });
});

describe("verifySignature", () => {
  const good = opensslSignatureHeader([SIGNING_KEY], T, BODY);
  const otherKeyMac = opensslSignatureHeader([OTHER_SIGNING_KEY], T, BODY).split(",")[1]!;
  const goodMac = good.split(",")[1]!;

  const cases: {
    name: string;
    header: string | undefined;
    body?: string;
    keys?: string | string[];
    now?: number;
    toleranceSec?: number;
    expected: true | SignatureFailureReason;
  }[] = [
    { name: "valid", header: good, expected: true },
    { name: "absent header", header: undefined, expected: "missing" },
    { name: "empty header", header: "", expected: "missing" },
    { name: "blank header", header: "   ", expected: "missing" },
    { name: "tampered body", header: good, body: `${BODY} `, expected: "mismatch" },
    {
      name: "tampered body content",
      header: good,
      body: BODY.replace("AddHumanUser", "AddHumanUsers"),
      expected: "mismatch",
    },
    { name: "wrong key", header: good, keys: OTHER_SIGNING_KEY, expected: "mismatch" },
    {
      name: "rotation: old key configured too",
      header: good,
      keys: [OTHER_SIGNING_KEY, SIGNING_KEY],
      expected: true,
    },
    {
      name: "rotation: two v1 parts, second matches",
      header: `t=${T},${otherKeyMac},${goodMac}`,
      keys: SIGNING_KEY,
      expected: true,
    },
    {
      name: "rotation: two v1 parts, first matches",
      header: `t=${T},${goodMac},${otherKeyMac}`,
      keys: SIGNING_KEY,
      expected: true,
    },
    {
      name: "rotation: two v1 parts, none matches",
      header: `t=${T},${otherKeyMac},${otherKeyMac}`,
      keys: SIGNING_KEY,
      expected: "mismatch",
    },
    { name: "whitespace around parts", header: `t=${T}, ${goodMac}`, expected: true },
    { name: "order of parts does not matter", header: `${goodMac},t=${T}`, expected: true },
    { name: "unknown scheme ignored", header: `t=${T},v0=abc,${goodMac}`, expected: true },
    {
      name: "upper-case hex accepted",
      header: `t=${T},${goodMac.toUpperCase().replace("V1=", "v1=")}`,
      expected: true,
    },
    { name: "expired (301 s old)", header: good, now: NOW + 301_000, expected: "expired" },
    { name: "at the tolerance edge (300 s old)", header: good, now: NOW + 300_000, expected: true },
    {
      name: "future beyond tolerance (301 s ahead)",
      header: good,
      now: NOW - 301_000,
      expected: "expired",
    },
    {
      name: "future within tolerance (299 s ahead)",
      header: good,
      now: NOW - 299_000,
      expected: true,
    },
    {
      name: "custom tolerance",
      header: good,
      now: NOW + 20_000,
      toleranceSec: 10,
      expected: "expired",
    },
    {
      name: "zero tolerance, same second",
      header: good,
      now: NOW + 500,
      toleranceSec: 0,
      expected: true,
    },
    { name: "zero tolerance, exact", header: good, now: NOW, toleranceSec: 0, expected: true },
    {
      name: "zero tolerance, next second",
      header: good,
      now: NOW + 1000,
      toleranceSec: 0,
      expected: "expired",
    },
    { name: "no t", header: goodMac, expected: "malformed" },
    { name: "two t", header: `t=${T},t=${T},${goodMac}`, expected: "malformed" },
    { name: "t not a number", header: `t=abc,${goodMac}`, expected: "malformed" },
    { name: "t negative", header: `t=-${T},${goodMac}`, expected: "malformed" },
    { name: "t fractional", header: `t=${T}.5,${goodMac}`, expected: "malformed" },
    { name: "part without =", header: `t=${T},v1`, expected: "malformed" },
    { name: "part with two =", header: `t=${T},${goodMac}=`, expected: "malformed" },
    { name: "trailing comma", header: `${good},`, expected: "malformed" },
    { name: "empty name", header: `t=${T},=abc,${goodMac}`, expected: "malformed" },
    { name: "garbage", header: "not a signature", expected: "malformed" },
    { name: "only t", header: `t=${T}`, expected: "no_signature" },
    { name: "v1 not hex", header: `t=${T},v1=zzzz`, expected: "no_signature" },
    { name: "v1 too short", header: `t=${T},${goodMac.slice(0, -2)}`, expected: "no_signature" },
    { name: "v1 empty", header: `t=${T},v1=`, expected: "no_signature" },
    {
      name: "no_signature is reported before expiry",
      header: `t=${T}`,
      now: NOW + 10_000_000,
      expected: "no_signature",
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const result = await verifySignature({
        body: c.body ?? BODY,
        header: c.header,
        signingKeys: c.keys ?? SIGNING_KEY,
        now: c.now ?? NOW,
        toleranceSec: c.toleranceSec,
      });
      if (c.expected === true) expect(result).toEqual({ ok: true, timestamp: new Date(NOW) });
      else expect(result).toEqual({ ok: false, reason: c.expected });
    });
  }

  it("reads the header from Fetch Headers and Node header records, either name", async () => {
    for (const header of [
      new Headers({ [SIGNATURE_HEADER]: good }),
      new Headers({ "X-ZITADEL-Signature": good }),
      { "zitadel-signature": good },
      { "x-zitadel-signature": [good] },
    ]) {
      expect(
        await verifySignature({ body: BODY, header, signingKeys: SIGNING_KEY, now: NOW }),
      ).toMatchObject({ ok: true });
    }
    expect(
      await verifySignature({
        body: BODY,
        header: new Headers(),
        signingKeys: SIGNING_KEY,
        now: NOW,
      }),
    ).toEqual({ ok: false, reason: "missing" });
  });

  it("accepts the body as string, Uint8Array, Buffer and ArrayBuffer", async () => {
    const bytes = new TextEncoder().encode(BODY);
    for (const body of [BODY, bytes, Buffer.from(BODY), bytes.buffer]) {
      expect(
        await verifySignature({ body, header: good, signingKeys: SIGNING_KEY, now: NOW }),
      ).toMatchObject({ ok: true });
    }
  });

  it("defaults now to the clock and accepts a Date", async () => {
    const header = await computeSignatureHeader({ body: BODY, signingKeys: SIGNING_KEY });
    expect(await verifySignature({ body: BODY, header, signingKeys: SIGNING_KEY })).toMatchObject({
      ok: true,
    });
    expect(
      await verifySignature({
        body: BODY,
        header: good,
        signingKeys: SIGNING_KEY,
        now: new Date(NOW),
      }),
    ).toMatchObject({ ok: true });
  });

  it("rejects bad options with a TypeError that does not echo keys", async () => {
    const bad = [
      { signingKeys: "" },
      { signingKeys: [] as string[] },
      { signingKeys: [SIGNING_KEY, ""] },
      { signingKeys: SIGNING_KEY, toleranceSec: -1 },
      { signingKeys: SIGNING_KEY, toleranceSec: Number.NaN },
      { signingKeys: SIGNING_KEY, now: Number.NaN },
    ];
    for (const options of bad) {
      const err = await verifySignature({ body: BODY, header: good, ...options }).catch((e) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect(String(err)).not.toContain(SIGNING_KEY);
    }
  });

  it("never puts a key into its result", async () => {
    for (const keys of [SIGNING_KEY, OTHER_SIGNING_KEY]) {
      const result = await verifySignature({
        body: "x",
        header: good,
        signingKeys: keys,
        now: NOW,
      });
      expect(JSON.stringify(result)).not.toContain(keys);
    }
  });
});
