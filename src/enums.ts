/**
 * Enums: friendly names in any case, full proto names or numbers in; the generated key out.
 * Everything is read from the generated enum descriptors, so there are no hand-written maps.
 *
 * @module
 */
import type { DescEnum } from "@bufbuild/protobuf";
import type { GenEnum } from "@bufbuild/protobuf/codegenv2";
import { invalidArgument } from "./errors.js";

/**
 * The keys of a generated TypeScript enum, e.g. `"JSON" | "JWT"` for `PayloadType`.
 */
type EnumKey<E> = Extract<keyof E, string>;

/**
 * An enum value as a user writes it: the key in any case (`"jwt"`), the full proto name
 * (`"PAYLOAD_TYPE_JWT"`) or the number.
 */
type EnumInput<E> = EnumKey<E> | Lowercase<EnumKey<E>> | number | (string & {});

/**
 * An enum value as the facade returns it: the generated key, or the bare number for a value
 * this library does not know yet (sent by a newer server).
 */
type EnumOutput<E> = EnumKey<E> | number;

/**
 * A text match for name filters: exactly one of `equals`, `contains`, `startsWith`, `endsWith`,
 * optionally ignoring case. A plain string means `equals`.
 */
type TextMatch =
  | string
  | ({ ignoreCase?: boolean } & (
      | { equals: string }
      | { contains: string }
      | { startsWith: string }
      | { endsWith: string }
    ));

const textOperators = ["equals", "contains", "startsWith", "endsWith"] as const;

/**
 * Return the enum number for a friendly input, or throw `InvalidArgument` naming `field` and the
 * accepted names.
 *
 * @example
 * ```ts
 * enumFromInput(PayloadTypeSchema, "jwt", "payloadType"); // PayloadType.JWT
 * enumFromInput(PayloadTypeSchema, "PAYLOAD_TYPE_JWE", "payloadType"); // PayloadType.JWE
 * ```
 */
function enumFromInput<E extends number>(
  schema: GenEnum<E> | DescEnum,
  input: string | number,
  field: string,
): E {
  if (typeof input === "number") {
    if (!Number.isInteger(input) || input < -2_147_483_648 || input > 2_147_483_647) {
      throw invalidArgument(field, `must be an enum name or a 32-bit integer, got ${input}`);
    }
    return input as E;
  }
  if (typeof input === "string") {
    const wanted = input.trim().toUpperCase();
    for (const value of schema.values) {
      if (value.localName.toUpperCase() === wanted || value.name.toUpperCase() === wanted) {
        return value.number as E;
      }
    }
  }
  const names = schema.values.map((value) => `"${value.localName}"`).join(", ");
  throw invalidArgument(field, `must be one of ${names} (any case) or a number, got "${input}"`);
}

/**
 * Return the generated key of an enum number, or the number itself when it is not known.
 */
function enumName<E extends number>(schema: GenEnum<E> | DescEnum, value: number): string | number {
  return schema.values.find((entry) => entry.number === value)?.localName ?? value;
}

/**
 * Return the enum number of a text match, looked up by name in a `*_EQUALS` … `*_ENDS_WITH_IGNORE_CASE`
 * style enum (e.g. `TextFilterMethod` or `TextQueryMethod`), plus the text to match.
 */
function textMatchFromInput<E extends number>(
  schema: GenEnum<E> | DescEnum,
  input: TextMatch,
  field: string,
  maxLength: number,
): { text: string; method: E } {
  let text: unknown;
  let key = "EQUALS";
  if (typeof input === "string") {
    text = input;
  } else if (typeof input === "object" && input !== null) {
    const used = textOperators.filter((op) => (input as Record<string, unknown>)[op] !== undefined);
    if (used.length !== 1) {
      throw invalidArgument(
        field,
        `must be a string or an object with exactly one of ${textOperators.join(", ")}`,
      );
    }
    const op = used[0]!;
    text = (input as Record<string, unknown>)[op];
    key = upperSnake(op) + (input.ignoreCase === true ? "_IGNORE_CASE" : "");
  }
  if (typeof text !== "string") {
    throw invalidArgument(field, "must be a string or a text match object");
  }
  if ([...text].length > maxLength) {
    throw invalidArgument(field, `must be at most ${maxLength} characters`);
  }
  return { text, method: enumFromInput(schema, key, field) };
}

/**
 * Return `camelCase` as `CAMEL_CASE`, the shape of generated enum keys.
 */
function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

export type { EnumInput, EnumKey, EnumOutput, TextMatch };
export { enumFromInput, enumName, textMatchFromInput, upperSnake };
