import { CompactEncrypt, CompactSign, exportSPKI, generateSecret, importSPKI } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  computeSignatureHeader,
  type Payload,
  type ReadPayloadOptions,
  ReceiverError,
  type ReceiverErrorReason,
  readPayload,
} from "../src/receiver/index.js";
import {
  eventBodyBase64,
  eventBodyInline,
  eventData,
  functionBody,
  OTHER_SIGNING_KEY,
  requestBody,
  responseBody,
  SIGNING_KEY,
} from "./helpers/receiver-fixtures.js";
import {
  createInstanceKey,
  createTargetKey,
  encryptJwe,
  type InstanceKey,
  type JwksServer,
  signJwt,
  startJwksServer,
  type TargetKey,
} from "./helpers/receiver-keys.js";

async function signedCall(body: string | Uint8Array, key = SIGNING_KEY) {
  return {
    body,
    headers: { "zitadel-signature": await computeSignatureHeader({ body, signingKeys: key }) },
  };
}

async function refusal(promise: Promise<unknown>): Promise<ReceiverError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReceiverError);
  return err as ReceiverError;
}

function expectNoSecrets(err: unknown, secrets: string[]): void {
  const text = `${String(err)} ${(err as Error).message} ${JSON.stringify(err)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
}

const kinds: { name: string; json: object; check: (p: Payload) => void }[] = [
  {
    name: "request",
    json: requestBody,
    check: (p) => {
      expect(p.kind).toBe("request");
      if (p.kind !== "request") return;
      expect(p.fullMethod).toBe(requestBody.fullMethod);
      expect(p.request).toEqual(requestBody.request);
      expect(p.headers).toEqual(requestBody.headers);
      expect(p.userID).toBe(requestBody.userID);
      expect("response" in p).toBe(false);
    },
  },
  {
    name: "response",
    json: responseBody,
    check: (p) => {
      expect(p.kind).toBe("response");
      if (p.kind !== "response") return;
      expect(p.request).toEqual(responseBody.request);
      expect(p.response).toEqual(responseBody.response);
      expect(p.orgID).toBe(responseBody.orgID);
    },
  },
  {
    name: "function",
    json: functionBody,
    check: (p) => {
      expect(p.kind).toBe("function");
      if (p.kind !== "function") return;
      expect(p.function).toBe("function/preuserinfo");
      expect(p.functionName).toBe("preuserinfo");
      expect(p.userinfo).toEqual(functionBody.userinfo);
      expect(p.user_grants).toEqual(functionBody.user_grants);
      expect(p.application).toEqual(functionBody.application);
    },
  },
  {
    name: "event (inline event_payload)",
    json: eventBodyInline,
    check: (p) => {
      expect(p.kind).toBe("event");
      if (p.kind !== "event") return;
      expect(p.event_type).toBe("user.human.added");
      expect(p.aggregateID).toBe(eventBodyInline.aggregateID);
      expect(p.sequence).toBe(3);
      expect(p.event_payload).toEqual(eventData);
    },
  },
  {
    name: "event (base64 event_payload)",
    json: eventBodyBase64,
    check: (p) => {
      expect(p.kind).toBe("event");
      if (p.kind !== "event") return;
      expect(typeof eventBodyBase64.event_payload).toBe("string");
      expect(p.event_payload).toEqual(eventData);
    },
  },
];

describe("readPayload: JSON bodies", () => {
  for (const k of kinds) {
    it(`types a ${k.name} payload from { body, headers }`, async () => {
      const payload = await readPayload(await signedCall(JSON.stringify(k.json)), {
        signingKeys: SIGNING_KEY,
      });
      expect(payload.format).toBe("json");
      k.check(payload);
    });

    it(`types a ${k.name} payload from a Fetch Request`, async () => {
      const body = JSON.stringify(k.json);
      const { headers } = await signedCall(body);
      const request = new Request("http://127.0.0.1/zitadel", { method: "POST", body, headers });
      const payload = await readPayload(request, { signingKeys: SIGNING_KEY });
      expect(payload.format).toBe("json");
      k.check(payload);
    });
  }

  it("tells presamlresponse and preaccesstoken functions by name", async () => {
    for (const name of ["preaccesstoken", "presamlresponse"]) {
      const body = JSON.stringify({ function: `function/${name}`, user: { id: "1" } });
      const payload = await readPayload(await signedCall(body), { signingKeys: SIGNING_KEY });
      expect(payload).toMatchObject({ kind: "function", functionName: name, user: { id: "1" } });
    }
  });

  it("accepts an event without event_payload and an empty base64 one", async () => {
    for (const event_payload of [undefined, null, ""]) {
      const body = JSON.stringify({ ...eventBodyInline, event_payload });
      const payload = await readPayload(await signedCall(body), { signingKeys: SIGNING_KEY });
      expect(payload.kind).toBe("event");
      expect(payload.kind === "event" && payload.event_payload).toBe(undefined);
    }
  });

  it("accepts a signing key among several (rotation)", async () => {
    const call = await signedCall(JSON.stringify(requestBody), OTHER_SIGNING_KEY);
    const payload = await readPayload(call, { signingKeys: [SIGNING_KEY, OTHER_SIGNING_KEY] });
    expect(payload.kind).toBe("request");
  });

  const signatureFailures: {
    name: string;
    reason: ReceiverErrorReason;
    make: () => Promise<object>;
  }[] = [
    { name: "no header", reason: "missing", make: async () => ({ body: "{}", headers: {} }) },
    {
      name: "malformed header",
      reason: "malformed",
      make: async () => ({ body: "{}", headers: { "zitadel-signature": "v1=00" } }),
    },
    {
      name: "header without v1",
      reason: "no_signature",
      make: async () => ({ body: "{}", headers: { "zitadel-signature": "t=1" } }),
    },
    {
      name: "stale header",
      reason: "expired",
      make: async () => ({
        body: "{}",
        headers: {
          "zitadel-signature": await computeSignatureHeader({
            body: "{}",
            signingKeys: SIGNING_KEY,
            timestamp: Date.now() - 600_000,
          }),
        },
      }),
    },
    {
      name: "wrong key",
      reason: "mismatch",
      make: async () => signedCall(JSON.stringify(requestBody), OTHER_SIGNING_KEY),
    },
    {
      name: "tampered body",
      reason: "mismatch",
      make: async () => ({
        ...(await signedCall(JSON.stringify(requestBody))),
        body: JSON.stringify({ ...requestBody, userID: "1" }),
      }),
    },
  ];
  for (const f of signatureFailures) {
    it(`refuses ${f.name} with reason ${f.reason}, echoing no key`, async () => {
      const err = await refusal(
        readPayload((await f.make()) as never, { signingKeys: SIGNING_KEY }),
      );
      expect(err.reason).toBe(f.reason);
      expectNoSecrets(err, [SIGNING_KEY, OTHER_SIGNING_KEY]);
    });
  }

  const invalidBodies: { name: string; body: string | Uint8Array }[] = [
    { name: "a JSON array", body: "[1,2]" },
    { name: "broken JSON", body: '{"fullMethod":' },
    { name: "plain text", body: "hello world" },
    { name: "an empty body", body: "" },
    { name: "an unknown JSON shape", body: '{"hello":"world"}' },
    { name: "non-UTF-8 bytes", body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
    {
      name: "a request that is not an object",
      body: JSON.stringify({ ...requestBody, request: "x" }),
    },
    {
      name: "a response that is an array",
      body: JSON.stringify({ ...responseBody, response: [] }),
    },
    { name: "an event without aggregateID", body: JSON.stringify({ event_type: "user.added" }) },
    {
      name: "an event_payload that is not base64",
      body: JSON.stringify({ ...eventBodyInline, event_payload: "%%%" }),
    },
    {
      name: "an event_payload that is base64 of non-JSON",
      body: JSON.stringify({ ...eventBodyInline, event_payload: btoa("not json") }),
    },
    {
      name: "an event with a string sequence",
      body: JSON.stringify({ ...eventBodyInline, sequence: "3" }),
    },
    { name: "a numeric userID", body: JSON.stringify({ ...requestBody, userID: 5 }) },
  ];
  for (const b of invalidBodies) {
    it(`refuses ${b.name} with payload_invalid`, async () => {
      const err = await refusal(
        readPayload(await signedCall(b.body), { signingKeys: SIGNING_KEY }),
      );
      expect(err.reason).toBe("payload_invalid");
    });
  }

  it("throws a TypeError (configuration) without a signing key", async () => {
    const err = await readPayload(await signedCall("{}"), { signingKeys: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
  });
});

describe("readPayload: JWT bodies verified against a JWKS served over HTTP", () => {
  let instance: InstanceKey;
  let server: JwksServer;

  beforeAll(async () => {
    instance = await createInstanceKey("instance-key-1");
    server = await startJwksServer(instance.jwks);
  });
  afterAll(() => server.close());

  for (const k of kinds) {
    it(`verifies and types a ${k.name} JWT payload`, async () => {
      const jwt = await signJwt(instance, JSON.stringify(k.json));
      const payload = await readPayload(await signedCall(jwt), {
        signingKeys: SIGNING_KEY,
        issuer: server.issuer,
      });
      expect(payload.format).toBe("jwt");
      k.check(payload);
    });
  }

  it("fetches the JWKS once and reuses it (issuer, with or without trailing slash, or its URL)", async () => {
    const fresh = await startJwksServer(instance.jwks);
    try {
      const sources: Partial<ReadPayloadOptions>[] = [
        { issuer: fresh.issuer },
        { issuer: `${fresh.issuer}/` },
        { jwks: fresh.jwksUrl },
        { jwks: new URL(fresh.jwksUrl) },
      ];
      for (let round = 0; round < 3; round++) {
        for (const source of sources) {
          const jwt = await signJwt(instance, JSON.stringify(requestBody));
          const payload = await readPayload(await signedCall(jwt), {
            signingKeys: SIGNING_KEY,
            ...source,
          });
          expect(payload.kind).toBe("request");
        }
      }
      expect(fresh.fetches()).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("accepts a JWKS object and an ES256 instance key", async () => {
    const ec = await createInstanceKey("instance-ec", "ES256");
    const jwt = await signJwt(ec, JSON.stringify(eventBodyInline));
    const payload = await readPayload(await signedCall(jwt), {
      signingKeys: SIGNING_KEY,
      jwks: ec.jwks,
    });
    expect(payload).toMatchObject({ kind: "event", format: "jwt" });
  });

  it("refuses a JWT whose kid is not in the JWKS with unknown_kid", async () => {
    const stranger = await createInstanceKey("some-other-kid");
    const jwt = await signJwt(stranger, JSON.stringify(requestBody));
    const err = await refusal(
      readPayload(await signedCall(jwt), { signingKeys: SIGNING_KEY, issuer: server.issuer }),
    );
    expect(err.reason).toBe("unknown_kid");
  });

  it("refuses a JWT signed by another key under the known kid with jwt_invalid", async () => {
    const impostor = await createInstanceKey(instance.kid);
    const jwt = await signJwt(impostor, JSON.stringify(requestBody));
    const err = await refusal(
      readPayload(await signedCall(jwt), { signingKeys: SIGNING_KEY, issuer: server.issuer }),
    );
    expect(err.reason).toBe("jwt_invalid");
  });

  it("refuses a JWT whose payload was swapped (then re-signed with HMAC) with jwt_invalid", async () => {
    const jwt = await signJwt(instance, JSON.stringify(requestBody));
    const [h, , s] = jwt.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify(responseBody)).toString("base64url")}.${s}`;
    const err = await refusal(
      readPayload(await signedCall(forged), { signingKeys: SIGNING_KEY, issuer: server.issuer }),
    );
    expect(err.reason).toBe("jwt_invalid");
  });

  it("refuses a symmetric (HS256) JWT with jwt_invalid", async () => {
    const secret = await generateSecret("HS256");
    const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(requestBody)))
      .setProtectedHeader({ alg: "HS256", kid: instance.kid })
      .sign(secret);
    const err = await refusal(
      readPayload(await signedCall(jwt), { signingKeys: SIGNING_KEY, issuer: server.issuer }),
    );
    expect(err.reason).toBe("jwt_invalid");
  });

  it("refuses a JWT whose payload is not JSON with payload_invalid", async () => {
    const jwt = await signJwt(instance, "not json");
    const err = await refusal(
      readPayload(await signedCall(jwt), { signingKeys: SIGNING_KEY, issuer: server.issuer }),
    );
    expect(err.reason).toBe("payload_invalid");
  });

  it("checks the signature header before touching the JWKS", async () => {
    const fresh = await startJwksServer(instance.jwks);
    try {
      const jwt = await signJwt(instance, JSON.stringify(requestBody));
      const err = await refusal(
        readPayload(await signedCall(jwt, OTHER_SIGNING_KEY), {
          signingKeys: SIGNING_KEY,
          issuer: fresh.issuer,
        }),
      );
      expect(err.reason).toBe("mismatch");
      expect(fresh.fetches()).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("throws a TypeError when a JWT arrives but neither jwks nor issuer is set", async () => {
    const jwt = await signJwt(instance, JSON.stringify(requestBody));
    const err = await readPayload(await signedCall(jwt), { signingKeys: SIGNING_KEY }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
  });

  it("lets a JWKS endpoint failure through as is (not blamed on the caller)", async () => {
    const jwt = await signJwt(instance, JSON.stringify(requestBody));
    const err = await readPayload(await signedCall(jwt), {
      signingKeys: SIGNING_KEY,
      jwks: `${server.issuer}/no-such-path`,
    }).catch((e) => e);
    expect(err).not.toBeInstanceOf(ReceiverError);
    expect(err).toBeInstanceOf(Error);
  });
});

describe("readPayload: JWE bodies", () => {
  let instance: InstanceKey;
  let server: JwksServer;
  let rsa: TargetKey;
  let ec: TargetKey;

  beforeAll(async () => {
    instance = await createInstanceKey("instance-key-jwe");
    server = await startJwksServer(instance.jwks);
    rsa = await createTargetKey("287146523405950978", "RSA-OAEP-256");
    ec = await createTargetKey("287146523406016514", "ECDH-ES+A256KW");
  });
  afterAll(() => server.close());

  for (const keyName of ["RSA-OAEP-256", "ECDH-ES+A256KW"] as const) {
    const target = () => (keyName === "RSA-OAEP-256" ? rsa : ec);

    for (const k of kinds) {
      it(`decrypts, verifies and types a ${k.name} payload (${keyName}, PEM key)`, async () => {
        const jwe = await encryptJwe(target(), await signJwt(instance, JSON.stringify(k.json)));
        expect(jwe.split(".")).toHaveLength(5);
        const payload = await readPayload(await signedCall(jwe), {
          signingKeys: SIGNING_KEY,
          issuer: server.issuer,
          decryptionKeys: { [rsa.kid]: rsa.privatePem, [ec.kid]: ec.privatePem },
        });
        expect(payload.format).toBe("jwe");
        k.check(payload);
      });
    }

    it(`accepts a CryptoKey as decryption key (${keyName})`, async () => {
      const jwe = await encryptJwe(target(), await signJwt(instance, JSON.stringify(functionBody)));
      const payload = await readPayload(await signedCall(jwe), {
        signingKeys: SIGNING_KEY,
        jwks: instance.jwks,
        decryptionKeys: { [target().kid]: target().privateKey },
      });
      expect(payload).toMatchObject({ kind: "function", format: "jwe" });
    });

    it(`refuses an unknown kid with unknown_kid (${keyName})`, async () => {
      const jwe = await encryptJwe(target(), await signJwt(instance, JSON.stringify(requestBody)));
      const other = keyName === "RSA-OAEP-256" ? ec : rsa;
      const err = await refusal(
        readPayload(await signedCall(jwe), {
          signingKeys: SIGNING_KEY,
          jwks: instance.jwks,
          decryptionKeys: { [other.kid]: other.privatePem },
        }),
      );
      expect(err.reason).toBe("unknown_kid");
      expectNoSecrets(err, [other.privatePem, SIGNING_KEY]);
    });

    it(`refuses a JWE for another key under the same kid with jwe_invalid (${keyName})`, async () => {
      const jwe = await encryptJwe(target(), await signJwt(instance, JSON.stringify(requestBody)));
      const impostor = await createTargetKey(target().kid, keyName);
      const err = await refusal(
        readPayload(await signedCall(jwe), {
          signingKeys: SIGNING_KEY,
          jwks: instance.jwks,
          decryptionKeys: { [target().kid]: impostor.privatePem },
        }),
      );
      expect(err.reason).toBe("jwe_invalid");
      expectNoSecrets(err, [impostor.privatePem, target().privatePem]);
    });
  }

  it("refuses a JWE whose inner JWT is signed by an unknown instance key", async () => {
    const stranger = await createInstanceKey("not-in-jwks");
    const jwe = await encryptJwe(rsa, await signJwt(stranger, JSON.stringify(requestBody)));
    const err = await refusal(
      readPayload(await signedCall(jwe), {
        signingKeys: SIGNING_KEY,
        jwks: instance.jwks,
        decryptionKeys: { [rsa.kid]: rsa.privatePem },
      }),
    );
    expect(err.reason).toBe("unknown_kid");
  });

  it("refuses a JWE that wraps plain JSON instead of a JWT with jwe_invalid", async () => {
    const jwe = await encryptJwe(rsa, JSON.stringify(requestBody));
    const err = await refusal(
      readPayload(await signedCall(jwe), {
        signingKeys: SIGNING_KEY,
        jwks: instance.jwks,
        decryptionKeys: { [rsa.kid]: rsa.privatePem },
      }),
    );
    expect(err.reason).toBe("jwe_invalid");
  });

  it("refuses a JWE without kid with unknown_kid", async () => {
    const jwe = await new CompactEncrypt(new TextEncoder().encode("a.b.c"))
      .setProtectedHeader({ alg: "RSA-OAEP-256", enc: "A256GCM" })
      .encrypt(rsa.publicKey);
    const err = await refusal(
      readPayload(await signedCall(jwe), {
        signingKeys: SIGNING_KEY,
        jwks: instance.jwks,
        decryptionKeys: { [rsa.kid]: rsa.privatePem },
      }),
    );
    expect(err.reason).toBe("unknown_kid");
  });

  it("refuses algorithms ZITADEL does not use with jwe_invalid", async () => {
    const jwt = await signJwt(instance, JSON.stringify(requestBody));
    for (const header of [
      { alg: "RSA-OAEP", enc: "A256GCM" },
      { alg: "RSA-OAEP-256", enc: "A128GCM" },
    ]) {
      // Re-import the public key for the header's alg (WebCrypto binds a key to its hash).
      const publicKey = await importSPKI(await exportSPKI(rsa.publicKey), header.alg);
      const jwe = await new CompactEncrypt(new TextEncoder().encode(jwt))
        .setProtectedHeader({ ...header, kid: rsa.kid })
        .encrypt(publicKey);
      const err = await refusal(
        readPayload(await signedCall(jwe), {
          signingKeys: SIGNING_KEY,
          jwks: instance.jwks,
          decryptionKeys: { [rsa.kid]: rsa.privatePem },
        }),
      );
      expect(err.reason).toBe("jwe_invalid");
    }
  });

  it("throws TypeErrors for configuration problems, without echoing the PEM", async () => {
    const jwe = await encryptJwe(rsa, await signJwt(instance, JSON.stringify(requestBody)));
    const none = await readPayload(await signedCall(jwe), {
      signingKeys: SIGNING_KEY,
      jwks: instance.jwks,
    }).catch((e) => e);
    expect(none).toBeInstanceOf(TypeError);
    const badPem = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    const bad = await readPayload(await signedCall(jwe), {
      signingKeys: SIGNING_KEY,
      jwks: instance.jwks,
      decryptionKeys: { [rsa.kid]: badPem },
    }).catch((e) => e);
    expect(bad).toBeInstanceOf(TypeError);
    expectNoSecrets(bad, ["bm90IGEga2V5"]);
  });
});
