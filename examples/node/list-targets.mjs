// List the targets of a ZITADEL instance with the raw v2 ActionService client.
//
//   ZITADEL_BASE_URL=https://my-instance.zitadel.cloud ZITADEL_TOKEN=<personal access token> \
//     node list-targets.mjs
//
// ZITADEL_PROTOCOL picks the wire protocol: grpc (default, HTTP/2), grpc-web or connect.
import { ConnectError } from "zitadel-actions";
import { createActionsClient, createActionsTransport } from "zitadel-actions/node";

const baseUrl = process.env.ZITADEL_BASE_URL;
if (baseUrl === undefined || baseUrl === "") {
  console.error("Set ZITADEL_BASE_URL (and ZITADEL_TOKEN) first.");
  process.exit(2);
}

const client = createActionsClient(
  createActionsTransport({
    baseUrl,
    token: process.env.ZITADEL_TOKEN,
    protocol: process.env.ZITADEL_PROTOCOL ?? "grpc",
  }),
);

try {
  const { targets, pagination } = await client.raw.action.listTargets({});
  console.log(`${pagination?.totalResult ?? 0n} targets`);
  for (const target of targets) {
    const seconds = target.timeout?.seconds ?? 0n;
    console.log(
      `${target.id}\t${target.name}\t${target.targetType.case}\t${target.endpoint}\t${seconds}s`,
    );
  }
} catch (err) {
  const error = ConnectError.from(err);
  console.error(`listTargets failed: [${error.code}] ${error.rawMessage}`);
  process.exitCode = 1;
}
