// Google's @grpc/grpc-js client for GetTarget, using the same protobuf-es messages as ours.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  GetTargetRequestSchema,
  GetTargetResponseSchema,
} from "../dist/gen/zitadel/action/v2/action_service_pb.js";

/** Create a grpc-js client whose getTarget(request) returns a promise of the response message. */
export function createGrpcJsClient(baseUrl) {
  const Ctor = grpc.makeGenericClientConstructor(
    {
      getTarget: {
        path: "/zitadel.action.v2.ActionService/GetTarget",
        requestStream: false,
        responseStream: false,
        requestSerialize: (m) =>
          Buffer.from(toBinary(GetTargetRequestSchema, create(GetTargetRequestSchema, m))),
        requestDeserialize: (b) => fromBinary(GetTargetRequestSchema, b),
        responseSerialize: (m) => Buffer.from(toBinary(GetTargetResponseSchema, m)),
        responseDeserialize: (b) => fromBinary(GetTargetResponseSchema, b),
      },
    },
    "ActionService",
  );
  const client = new Ctor(new URL(baseUrl).host, grpc.credentials.createInsecure());
  return {
    getTarget: (request) =>
      new Promise((resolve, reject) =>
        client.getTarget(request, (err, res) => (err ? reject(err) : resolve(res))),
      ),
    close: () => client.close(),
  };
}
