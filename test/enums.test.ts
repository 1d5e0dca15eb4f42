import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { TargetFieldName, TargetFieldNameSchema } from "../gen/zitadel/action/v2/query_pb.js";
import { PayloadType, PayloadTypeSchema } from "../gen/zitadel/action/v2/target_pb.js";
import { TextFilterMethod, TextFilterMethodSchema } from "../gen/zitadel/filter/v2/filter_pb.js";
import {
  enumFromInput,
  enumName,
  type TextMatch,
  textMatchFromInput,
  upperSnake,
} from "../src/enums.js";

describe("enumFromInput", () => {
  const valid: [string | number, number][] = [
    ["JWT", PayloadType.JWT],
    ["jwt", PayloadType.JWT],
    ["Jwt", PayloadType.JWT],
    ["PAYLOAD_TYPE_JWT", PayloadType.JWT],
    ["payload_type_jwe", PayloadType.JWE],
    [" json ", PayloadType.JSON],
    ["unspecified", PayloadType.UNSPECIFIED],
    [2, PayloadType.JWT],
    [0, PayloadType.UNSPECIFIED],
    [99, 99],
  ];
  it.each(valid)("reads %o as %i", (input, expected) => {
    expect(enumFromInput(PayloadTypeSchema, input, "payloadType")).toBe(expected);
  });

  const invalid: [unknown, RegExp][] = [
    ["jwk", /must be one of "UNSPECIFIED", "JSON", "JWT", "JWE"/],
    ["", /must be one of/],
    ["PAYLOAD_JWT", /must be one of/],
    ["2", /must be one of/],
    [1.5, /32-bit integer/],
    [Number.NaN, /32-bit integer/],
    [2 ** 31, /32-bit integer/],
    [null, /must be one of/],
  ];
  it.each(invalid)("rejects %o", (input, rule) => {
    try {
      enumFromInput(PayloadTypeSchema, input as string, "payloadType");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).code).toBe(Code.InvalidArgument);
      expect((err as ConnectError).rawMessage).toMatch(/^payloadType: /);
      expect((err as ConnectError).rawMessage).toMatch(rule);
    }
  });

  it("reads multi-word keys and full names of any enum", () => {
    expect(enumFromInput(TargetFieldNameSchema, "created_date", "sortBy")).toBe(
      TargetFieldName.CREATED_DATE,
    );
    expect(
      enumFromInput(TargetFieldNameSchema, "TARGET_FIELD_NAME_INTERRUPT_ON_ERROR", "sortBy"),
    ).toBe(TargetFieldName.INTERRUPT_ON_ERROR);
  });
});

describe("enumName", () => {
  const rows: [number, string | number][] = [
    [PayloadType.UNSPECIFIED, "UNSPECIFIED"],
    [PayloadType.JSON, "JSON"],
    [PayloadType.JWT, "JWT"],
    [PayloadType.JWE, "JWE"],
    [99, 99],
  ];
  it.each(rows)("names %i as %o", (value, name) => {
    expect(enumName(PayloadTypeSchema, value)).toBe(name);
  });

  it("round-trips every generated key", () => {
    for (const value of PayloadTypeSchema.values) {
      const name = enumName(PayloadTypeSchema, value.number);
      expect(enumFromInput(PayloadTypeSchema, name, "payloadType")).toBe(value.number);
    }
  });
});

describe("textMatchFromInput", () => {
  const rows: [TextMatch, TextFilterMethod][] = [
    ["audit", TextFilterMethod.EQUALS],
    [{ equals: "audit" }, TextFilterMethod.EQUALS],
    [{ equals: "audit", ignoreCase: true }, TextFilterMethod.EQUALS_IGNORE_CASE],
    [{ startsWith: "audit" }, TextFilterMethod.STARTS_WITH],
    [{ startsWith: "audit", ignoreCase: true }, TextFilterMethod.STARTS_WITH_IGNORE_CASE],
    [{ contains: "audit" }, TextFilterMethod.CONTAINS],
    [{ contains: "audit", ignoreCase: true }, TextFilterMethod.CONTAINS_IGNORE_CASE],
    [{ endsWith: "audit" }, TextFilterMethod.ENDS_WITH],
    [{ endsWith: "audit", ignoreCase: false }, TextFilterMethod.ENDS_WITH],
    [{ endsWith: "audit", ignoreCase: true }, TextFilterMethod.ENDS_WITH_IGNORE_CASE],
  ];
  it.each(rows)("maps %o to method %i", (input, method) => {
    expect(textMatchFromInput(TextFilterMethodSchema, input, "name", 200)).toEqual({
      text: "audit",
      method,
    });
  });

  it.each([
    [{}, /exactly one of/],
    [{ contains: "a", endsWith: "b" }, /exactly one of/],
    [{ contains: 5 }, /must be a string/],
    ["x".repeat(201), /at most 200 characters/],
  ])("rejects %o", (input, rule) => {
    expect(() =>
      textMatchFromInput(TextFilterMethodSchema, input as TextMatch, "name", 200),
    ).toThrow(rule);
  });

  it("turns camelCase operator names into enum key shape", () => {
    expect(upperSnake("beforeOrEquals")).toBe("BEFORE_OR_EQUALS");
    expect(upperSnake("startsWith")).toBe("STARTS_WITH");
  });
});
