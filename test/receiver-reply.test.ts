import { describe, expect, it } from "vitest";
import { forwardError, functionReply, samlResponseReply } from "../src/receiver/index.js";

describe("reply helpers for call targets", () => {
  it("forwardError builds ZITADEL's forwarded error body", () => {
    expect(forwardError(409, "already exists")).toEqual({
      forwardedStatusCode: 409,
      forwardedErrorMessage: "already exists",
    });
    for (const bad of [0, 99, 600, 403.5, Number.NaN]) {
      expect(() => forwardError(bad, "x")).toThrow(TypeError);
    }
  });

  it("functionReply encodes metadata values as base64 and keeps claim values as JSON", () => {
    const fromRecords = functionReply({
      setUserMetadata: { team: "blue", raw: new Uint8Array([0, 1, 255]) },
      appendClaims: { plan: "pro", limits: { seats: 5 }, tags: ["a", "b"] },
      appendLogClaims: ["checked"],
    });
    expect(fromRecords).toEqual({
      set_user_metadata: [
        { key: "team", value: "Ymx1ZQ==" },
        { key: "raw", value: "AAH/" },
      ],
      append_claims: [
        { key: "plan", value: "pro" },
        { key: "limits", value: { seats: 5 } },
        { key: "tags", value: ["a", "b"] },
      ],
      append_log_claims: ["checked"],
    });
    const fromEntries = functionReply({
      setUserMetadata: [{ key: "team", value: "blue" }],
      appendClaims: [{ key: "plan", value: "pro" }],
    });
    expect(fromEntries).toEqual({
      set_user_metadata: [{ key: "team", value: "Ymx1ZQ==" }],
      append_claims: [{ key: "plan", value: "pro" }],
    });
    expect(functionReply({})).toEqual({});
    expect(() => functionReply({ setUserMetadata: [{ key: "", value: "x" }] })).toThrow(TypeError);
  });

  it("samlResponseReply builds append_attribute with name_format and value lists", () => {
    expect(
      samlResponseReply({
        setUserMetadata: { seen: "yes" },
        appendAttributes: [
          { name: "OrgID", value: "287146523405623298" },
          {
            name: "Roles",
            nameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
            value: ["admin", "user"],
          },
        ],
      }),
    ).toEqual({
      set_user_metadata: [{ key: "seen", value: "eWVz" }],
      append_attribute: [
        { name: "OrgID", name_format: "", value: ["287146523405623298"] },
        {
          name: "Roles",
          name_format: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
          value: ["admin", "user"],
        },
      ],
    });
  });
});
