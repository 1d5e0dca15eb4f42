/**
 * A small real ActionService on 127.0.0.1 over HTTP/1.1 with CORS, for the browser and consumer
 * tests: CreateTarget and ListTargets backed by memory, every other RPC `Unimplemented`.
 *
 * It stands in for the emulator until that lands; the tests use only `{ baseUrl, close }`, so
 * swapping in `startEmulator` is a one-line change.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  cors,
  type HandlerContext,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ActionService } from "../../gen/zitadel/action/v2/action_service_pb.js";
import { type Target, TargetSchema } from "../../gen/zitadel/action/v2/target_pb.js";

/** Options of `startActionsApiServer`. */
interface ActionsApiServerOptions {
  /** When set, every call must carry `authorization: Bearer <token>`. */
  token?: string;
}

/** A running API server. */
interface ActionsApiServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

const allowedHeaders = [...cors.allowedHeaders, "Authorization", "X-Zitadel-Orgid"];

/** Start the in-memory ActionService on an ephemeral port of 127.0.0.1. */
async function startActionsApiServer(
  options: ActionsApiServerOptions = {},
): Promise<ActionsApiServer> {
  const targets: Target[] = [];
  let nextId = 310_000_000_000_000_000n;

  const authorize = (ctx: HandlerContext): void => {
    if (
      options.token !== undefined &&
      ctx.requestHeader.get("authorization") !== `Bearer ${options.token}`
    ) {
      throw new ConnectError("missing or wrong bearer token", Code.Unauthenticated);
    }
  };

  const routes = (router: ConnectRouter): void => {
    router.service(ActionService, {
      createTarget(req, ctx) {
        authorize(ctx);
        if (req.name === "") {
          throw new ConnectError("name: must not be empty", Code.InvalidArgument);
        }
        if (req.endpoint === "") {
          throw new ConnectError("endpoint: must not be empty", Code.InvalidArgument);
        }
        if (req.targetType.case === undefined) {
          throw new ConnectError("target_type: must be set", Code.InvalidArgument);
        }
        if (targets.some((t) => t.name === req.name)) {
          throw new ConnectError(`a target named ${req.name} exists`, Code.AlreadyExists);
        }
        nextId += 1n;
        const now = timestampNow();
        const target = create(TargetSchema, {
          id: nextId.toString(),
          name: req.name,
          endpoint: req.endpoint,
          targetType: req.targetType,
          timeout: req.timeout,
          payloadType: req.payloadType,
          creationDate: now,
          changeDate: now,
          signingKey: randomBytes(27).toString("base64url").slice(0, 36),
        });
        targets.push(target);
        return { id: target.id, creationDate: now, signingKey: target.signingKey };
      },
      listTargets(_req, ctx) {
        authorize(ctx);
        return {
          pagination: { totalResult: BigInt(targets.length), appliedLimit: 100n },
          targets,
        };
      },
    });
  };

  const handler = connectNodeAdapter({ routes });
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Expose-Headers", cors.exposedHeaders.join(", "));
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "Access-Control-Allow-Methods": cors.allowedMethods.join(", "),
        "Access-Control-Allow-Headers": allowedHeaders.join(", "),
        "Access-Control-Max-Age": "600",
      });
      res.end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export type { ActionsApiServer, ActionsApiServerOptions };
export { startActionsApiServer };
