import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  computeSignatureHeader,
  createFetchReceiver,
  createNodeReceiver,
  forwardError,
  functionReply,
  type Payload,
} from "../src/receiver/index.js";
import {
  eventBodyBase64,
  functionBody,
  OTHER_SIGNING_KEY,
  requestBody,
  SIGNING_KEY,
} from "./helpers/receiver-fixtures.js";
import {
  createInstanceKey,
  createTargetKey,
  encryptJwe,
  signJwt,
} from "./helpers/receiver-keys.js";

async function signedHeaders(body: string, key = SIGNING_KEY): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "zitadel-signature": await computeSignatureHeader({ body, signingKeys: key }),
  };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function listen(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/zitadel`;
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: "POST", body, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

describe("createNodeReceiver on a real node:http server", () => {
  it("hands the typed payload to the handler and sends its JSON reply", async () => {
    const seen: Payload[] = [];
    const url = await listen(
      createNodeReceiver(
        (payload) => {
          seen.push(payload);
          if (payload.kind === "function") {
            return functionReply({ appendClaims: { team: "blue" }, appendLogClaims: ["ok"] });
          }
          return undefined;
        },
        { signingKeys: SIGNING_KEY },
      ),
    );
    const body = JSON.stringify(functionBody);
    const res = await post(url, body, await signedHeaders(body));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(res.text)).toEqual({
      append_claims: [{ key: "team", value: "blue" }],
      append_log_claims: ["ok"],
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      kind: "function",
      functionName: "preuserinfo",
      format: "json",
    });
  });

  it("answers an empty 200 when the handler returns nothing (webhook, event)", async () => {
    const url = await listen(createNodeReceiver(() => {}, { signingKeys: SIGNING_KEY }));
    const body = JSON.stringify(eventBodyBase64);
    const res = await post(url, body, await signedHeaders(body));
    expect(res).toMatchObject({ status: 200, text: "" });
  });

  it("sends a forwarded error as a 200 JSON body", async () => {
    const url = await listen(
      createNodeReceiver(() => forwardError(403, "not on the allow list"), {
        signingKeys: SIGNING_KEY,
      }),
    );
    const body = JSON.stringify(requestBody);
    const res = await post(url, body, await signedHeaders(body));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      forwardedStatusCode: 403,
      forwardedErrorMessage: "not on the allow list",
    });
  });

  it("refuses bad signatures with 401 and undecodable bodies with 400, echoing no key", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const url = await listen(
      createNodeReceiver(
        () => {
          calls++;
        },
        { signingKeys: SIGNING_KEY, onError: (e) => errors.push(e) },
      ),
    );
    const body = JSON.stringify(requestBody);
    const wrongKey = await post(url, body, await signedHeaders(body, OTHER_SIGNING_KEY));
    expect(wrongKey.status).toBe(401);
    expect(JSON.parse(wrongKey.text)).toMatchObject({ error: "mismatch" });
    const missing = await post(url, body, { "content-type": "application/json" });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toMatchObject({ error: "missing" });
    const junk = "[1]";
    const invalid = await post(url, junk, await signedHeaders(junk));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text)).toMatchObject({ error: "payload_invalid" });
    for (const r of [wrongKey, missing, invalid]) {
      expect(r.text).not.toContain(SIGNING_KEY);
      expect(r.text).not.toContain(OTHER_SIGNING_KEY);
    }
    expect(calls).toBe(0);
    expect(errors).toHaveLength(3);
  });

  it("answers 405 to other methods and 413 to oversized bodies", async () => {
    const url = await listen(
      createNodeReceiver(() => {}, {
        signingKeys: SIGNING_KEY,
        maxBodyBytes: 64,
        onError: () => {},
      }),
    );
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const big = JSON.stringify({ ...requestBody, padding: "x".repeat(200) });
    const res = await post(url, big, await signedHeaders(big));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error: "too_large" });
  });

  it("stops reading a chunked body past maxBodyBytes (no content-length)", async () => {
    let calls = 0;
    const url = await listen(
      createNodeReceiver(
        () => {
          calls++;
        },
        { signingKeys: SIGNING_KEY, maxBodyBytes: 16, onError: () => {} },
      ),
    );
    const chunk = new TextEncoder().encode("0123456789");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(url, {
      method: "POST",
      body: stream,
      headers: { "zitadel-signature": "t=1,v1=00" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "too_large" });
    expect(calls).toBe(0);
  });

  it("uses a raw Buffer body left by middleware (express.raw style)", async () => {
    const receiver = createNodeReceiver<IncomingMessage & { body?: unknown }, ServerResponse>(
      (payload) => ({ kind: payload.kind }),
      { signingKeys: SIGNING_KEY },
    );
    const url = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      (req as IncomingMessage & { body?: unknown }).body = Buffer.concat(chunks);
      void receiver(req, res);
    });
    const body = JSON.stringify(requestBody);
    const res = await post(url, body, await signedHeaders(body));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ kind: "request" });
  });

  it("reports an already-parsed body as a configuration error (500, or next(err) with Express)", async () => {
    const errors: unknown[] = [];
    const nextErrors: unknown[] = [];
    const receiver = createNodeReceiver<IncomingMessage & { body?: unknown }, ServerResponse>(
      () => {},
      { signingKeys: SIGNING_KEY, onError: (e) => errors.push(e) },
    );
    const parseJsonFirst = async (req: IncomingMessage) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      (req as IncomingMessage & { body?: unknown }).body = JSON.parse(
        Buffer.concat(chunks).toString(),
      );
    };
    const plain = await listen(async (req, res) => {
      await parseJsonFirst(req);
      void receiver(req, res);
    });
    const express = await listen(async (req, res) => {
      await parseJsonFirst(req);
      void receiver(req, res, (err) => {
        nextErrors.push(err);
        res.statusCode = 599;
        res.end();
      });
    });
    const body = JSON.stringify(requestBody);
    const res = await post(plain, body, await signedHeaders(body));
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({ error: "internal" });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("express.raw");
    const viaNext = await post(express, body, await signedHeaders(body));
    expect(viaNext.status).toBe(599);
    expect(nextErrors).toHaveLength(1);
    expect(nextErrors[0]).toBeInstanceOf(TypeError);
  });

  it("answers 500 without details when the handler throws", async () => {
    const errors: unknown[] = [];
    const url = await listen(
      createNodeReceiver(
        () => {
          throw new Error("database down: password=hunter2");
        },
        { signingKeys: SIGNING_KEY, onError: (e) => errors.push(e) },
      ),
    );
    const body = JSON.stringify(requestBody);
    const res = await post(url, body, await signedHeaders(body));
    expect(res.status).toBe(500);
    expect(res.text).not.toContain("hunter2");
    expect(errors).toHaveLength(1);
  });

  it("leaves the response alone when the handler answered through res", async () => {
    const url = await listen(
      createNodeReceiver<IncomingMessage, ServerResponse>(
        (_payload, _req, res) => {
          res.statusCode = 202;
          res.setHeader("x-handled", "yes");
          res.end("handled");
        },
        { signingKeys: SIGNING_KEY },
      ),
    );
    const body = JSON.stringify(requestBody);
    const res = await post(url, body, await signedHeaders(body));
    expect(res).toMatchObject({ status: 202, text: "handled" });
    expect(res.headers.get("x-handled")).toBe("yes");
  });

  it("sends a Fetch Response returned by the handler", async () => {
    const url = await listen(
      createNodeReceiver(
        () => new Response("custom", { status: 201, headers: { "x-kind": "custom" } }),
        { signingKeys: SIGNING_KEY },
      ),
    );
    const body = JSON.stringify(requestBody);
    const res = await post(url, body, await signedHeaders(body));
    expect(res).toMatchObject({ status: 201, text: "custom" });
    expect(res.headers.get("x-kind")).toBe("custom");
  });

  it("decodes a JWE payload end to end", async () => {
    const instance = await createInstanceKey("node-instance");
    const target = await createTargetKey("node-target-key", "ECDH-ES+A256KW");
    const url = await listen(
      createNodeReceiver((payload) => ({ kind: payload.kind, format: payload.format }), {
        signingKeys: SIGNING_KEY,
        jwks: instance.jwks,
        decryptionKeys: { [target.kid]: target.privatePem },
      }),
    );
    const body = await encryptJwe(target, await signJwt(instance, JSON.stringify(requestBody)));
    const res = await post(url, body, await signedHeaders(body));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ kind: "request", format: "jwe" });
  });
});

describe("createFetchReceiver with real Request objects", () => {
  async function signedRequest(body: string, key = SIGNING_KEY, init: RequestInit = {}) {
    return new Request("https://receiver.example/zitadel", {
      method: "POST",
      body,
      headers: await signedHeaders(body, key),
      ...init,
    });
  }

  it("hands the typed payload and the request to the handler, replying with JSON", async () => {
    const handle = createFetchReceiver(
      (payload, request) => ({ kind: payload.kind, url: request.url }),
      { signingKeys: SIGNING_KEY },
    );
    const res = await handle(await signedRequest(JSON.stringify(eventBodyBase64)));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ kind: "event", url: "https://receiver.example/zitadel" });
  });

  it("answers an empty 200 for a handler without result, and passes a Response through", async () => {
    const empty = createFetchReceiver(async () => {}, { signingKeys: SIGNING_KEY });
    const res = await empty(await signedRequest(JSON.stringify(requestBody)));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const custom = createFetchReceiver(() => new Response("no", { status: 418 }), {
      signingKeys: SIGNING_KEY,
    });
    const teapot = await custom(await signedRequest(JSON.stringify(requestBody)));
    expect(teapot.status).toBe(418);
  });

  it("returns 401/400/405/413/500 Responses on failure", async () => {
    const errors: unknown[] = [];
    const handle = createFetchReceiver(
      (payload) => {
        if (payload.kind === "response") throw new Error("boom");
      },
      { signingKeys: SIGNING_KEY, maxBodyBytes: 2048, onError: (e) => errors.push(e) },
    );
    const body = JSON.stringify(requestBody);
    const cases: { request: Request; status: number; error?: string }[] = [
      { request: await signedRequest(body, OTHER_SIGNING_KEY), status: 401, error: "mismatch" },
      {
        request: new Request("https://r.example/", { method: "POST", body }),
        status: 401,
        error: "missing",
      },
      { request: await signedRequest("not json"), status: 400, error: "payload_invalid" },
      { request: new Request("https://r.example/"), status: 405 },
      {
        request: await signedRequest(JSON.stringify({ ...requestBody, pad: "x".repeat(4096) })),
        status: 413,
        error: "too_large",
      },
      {
        request: await signedRequest(JSON.stringify({ ...requestBody, response: {} })),
        status: 500,
        error: "internal",
      },
    ];
    for (const c of cases) {
      const res = await handle(c.request);
      expect(res.status).toBe(c.status);
      const text = await res.text();
      expect(text).not.toContain(SIGNING_KEY);
      if (c.error !== undefined) expect(JSON.parse(text)).toMatchObject({ error: c.error });
    }
    expect(errors).toHaveLength(5);
  });

  it("refuses an oversized streamed body without a content-length", async () => {
    const handle = createFetchReceiver(() => {}, {
      signingKeys: SIGNING_KEY,
      maxBodyBytes: 16,
      onError: () => {},
    });
    const chunk = new TextEncoder().encode("0123456789");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = new Request("https://r.example/", {
      method: "POST",
      body: stream,
      headers: { "zitadel-signature": "t=1,v1=00" },
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("content-length")).toBe(null);
    expect((await handle(request)).status).toBe(413);
  });
});
