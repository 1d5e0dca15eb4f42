import { createServer } from "node:http";
import { createNodeReceiver, functionReply } from "zitadel-actions/receiver";

const receiver = createNodeReceiver(
  (payload) => {
    if (payload.kind === "function") return functionReply({ appendClaims: { plan: "pro" } });
    if (payload.kind === "event") console.log("event", payload.event_type, payload.event_payload);
    return undefined; // an empty 200: ZITADEL carries on
  },
  { signingKeys: process.env.ZITADEL_SIGNING_KEY!, issuer: process.env.ZITADEL_ISSUER },
);

const server = createServer(receiver).listen(Number(process.env.PORT ?? 8090), () => {
  console.log("listening on", server.address());
});
