/**
 * Payload bodies shaped like the ones ZITADEL posts for each execution kind.
 */

/** A 36-character signing key like the ones ZITADEL generates. */
export const SIGNING_KEY = "Zx3kQ9pLm2Vt7RbN4cWy8HsJ1dFg6AeK0uTo";
/** A second key, as during a rotation. */
export const OTHER_SIGNING_KEY = "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78";

export const requestBody = {
  fullMethod: "/zitadel.user.v2.UserService/AddHumanUser",
  instanceID: "287146523405557762",
  orgID: "287146523405623298",
  projectID: "287146523405688834",
  userID: "287146523405754370",
  request: { username: "minnie", profile: { givenName: "Minnie", familyName: "Mouse" } },
  headers: { "Content-Type": ["application/grpc"], "X-Forwarded-For": ["10.0.0.7"] },
};

export const responseBody = {
  ...requestBody,
  response: { userId: "287146523405819906", details: { sequence: "42" } },
};

export const functionBody = {
  function: "function/preuserinfo",
  userinfo: { sub: "287146523405754370", email: "minnie@example.com" },
  user: { id: "287146523405754370", username: "minnie" },
  user_metadata: [{ key: "team", value: "Ymx1ZQ==" }],
  org: { id: "287146523405623298", name: "ACME" },
  user_grants: [{ projectId: "287146523405688834", roles: ["admin"] }],
  application: { client_id: "287146523405885442@acme" },
};

export const eventData = { userName: "minnie", email: "minnie@example.com" };

export const eventBodyInline = {
  aggregateID: "287146523405754370",
  aggregateType: "user",
  resourceOwner: "287146523405623298",
  instanceID: "287146523405557762",
  version: "v2",
  sequence: 3,
  event_type: "user.human.added",
  created_at: "2026-11-24T20:00:00.123456789Z",
  userID: "287146523405754370",
  event_payload: eventData,
};

/** The same event as older releases sent it: `event_payload` as base64 of its JSON. */
export const eventBodyBase64 = {
  ...eventBodyInline,
  event_payload: Buffer.from(JSON.stringify(eventData), "utf8").toString("base64"),
};
