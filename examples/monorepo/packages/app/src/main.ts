/**
 * List a ZITADEL instance's targets through the shared types package.
 *
 *   ZITADEL_BASE_URL=https://my-instance.zitadel.cloud ZITADEL_TOKEN=<token> npm start
 *
 * ZITADEL_PROTOCOL picks the wire protocol: grpc (default, HTTP/2), grpc-web or connect.
 */
import { createActionsClient, createActionsTransport } from "zitadel-actions/node";
import { formatSummary, summarizeTargets } from "./summaries.js";

const protocols = ["grpc", "grpc-web", "connect"] as const;
const protocol = protocols.find((p) => p === process.env.ZITADEL_PROTOCOL) ?? "grpc";
const baseUrl = process.env.ZITADEL_BASE_URL ?? "";
if (baseUrl === "") {
  console.error("Set ZITADEL_BASE_URL (and ZITADEL_TOKEN) first.");
  process.exit(2);
}

const client = createActionsClient(
  createActionsTransport({ baseUrl, token: process.env.ZITADEL_TOKEN, protocol }),
);
const { targets } = await client.raw.action.listTargets({});
const summaries = summarizeTargets(targets);
summaries.forEach((summary, i) => {
  console.log(formatSummary(summary, targets[i]!.payloadType));
});
