import {
  create,
  type DescField,
  type DescMessage,
  type Message,
  protoInt64,
  ScalarType,
} from "@bufbuild/protobuf";
import { type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";

/**
 * Fill every field of a message with a value derived from `seed`, choosing oneof member `seed % n`.
 *
 * Distinct seeds give distinct messages, so a round trip that drops or swaps a field is caught.
 */
export function sampleMessage<T extends Message>(desc: DescMessage, seed: number, depth = 0): T {
  const r = reflect(desc, create(desc));
  fill(r, seed, depth);
  return r.message as T;
}

function fill(r: ReflectMessage, seed: number, depth: number): void {
  if (r.desc.typeName === "google.protobuf.Timestamp") {
    r.set(r.fields[0]!, protoInt64.parse(1_700_000_000 + seed));
    r.set(r.fields[1]!, 123_000_000 + seed);
    return;
  }
  if (r.desc.typeName === "google.protobuf.Duration") {
    r.set(r.fields[0]!, protoInt64.parse(10 + seed));
    r.set(r.fields[1]!, 500_000_000);
    return;
  }
  for (const oneof of r.oneofs) {
    const member = oneof.fields[seed % oneof.fields.length]!;
    setField(r, member, seed, depth);
  }
  for (const field of r.fields) {
    if (field.oneof) continue;
    setField(r, field, seed, depth);
  }
}

function setField(r: ReflectMessage, field: DescField, seed: number, depth: number): void {
  switch (field.fieldKind) {
    case "scalar":
      r.set(field, scalarValue(field.scalar, field.name, seed));
      return;
    case "enum": {
      const values = field.enum.values;
      r.set(field, values[(seed + 1) % values.length]!.number);
      return;
    }
    case "message":
      if (depth > 4) return;
      r.set(field, reflect(field.message, sampleMessage(field.message, seed + 1, depth + 1)));
      return;
    case "list": {
      const list = r.get(field);
      for (let i = 0; i < 2; i++) {
        if (field.listKind === "scalar") list.add(scalarValue(field.scalar, field.name, seed + i));
        else if (field.listKind === "enum")
          list.add(field.enum.values[i % field.enum.values.length]!.number);
        else if (depth <= 4)
          list.add(reflect(field.message, sampleMessage(field.message, seed + i, depth + 1)));
      }
      return;
    }
    case "map":
      return;
  }
}

function scalarValue(type: ScalarType, name: string, seed: number): unknown {
  switch (type) {
    case ScalarType.STRING:
      return `${name}-${seed}-ü✓`;
    case ScalarType.BOOL:
      return true;
    case ScalarType.BYTES:
      return new TextEncoder().encode(
        `-----BEGIN PUBLIC KEY-----\n${seed}\n-----END PUBLIC KEY-----\n`,
      );
    case ScalarType.UINT64:
    case ScalarType.INT64:
    case ScalarType.FIXED64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return protoInt64.parse(9_007_199_254_740_993n + BigInt(seed));
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return 1.5 + seed;
    default:
      return (4_000_000_000 % 2 ** 31) + seed;
  }
}
