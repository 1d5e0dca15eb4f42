import { createFetchReceiver, forwardError, functionReply } from "zitadel-actions/receiver";

type Env = { ZITADEL_SIGNING_KEY: string; ZITADEL_ISSUER: string };

// A Cloudflare Worker; with Deno or Bun, hand a receiver to Deno.serve / Bun.serve.
export default {
  fetch: (request: Request, env: Env) =>
    createFetchReceiver(
      (payload) => {
        if (payload.kind === "request" && !payload.userID) return forwardError(401, "sign in");
        if (payload.kind === "function") return functionReply({ appendClaims: { region: "eu" } });
        return undefined; // webhooks and events: an empty 200
      },
      { signingKeys: env.ZITADEL_SIGNING_KEY, issuer: env.ZITADEL_ISSUER },
    )(request),
};
