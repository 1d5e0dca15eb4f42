import { CliUsageError } from "./command.js";

type FlagValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** Return a string flag's value, or undefined when it was not given. */
function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** Return every value of a repeatable string flag (`multiple: true`), in order. */
function stringsFlag(values: FlagValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** Return a number flag within bounds, or undefined when it was not given. */
function numberFlag(
  values: FlagValues,
  name: string,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const value = text.trim() === "" ? Number.NaN : Number(text);
  const { min = -Infinity, max = Infinity, integer = false } = bounds;
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? "an integer" : "a number";
    const range =
      Number.isFinite(min) && Number.isFinite(max)
        ? ` between ${min} and ${max}`
        : Number.isFinite(min)
          ? ` of at least ${min}`
          : "";
    throw new CliUsageError(`--${name}: must be ${kind}${range}, got "${text.slice(0, 40)}"`);
  }
  return value;
}

/** Return an integer flag within bounds, or undefined when it was not given. */
function integerFlag(
  values: FlagValues,
  name: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  return numberFlag(values, name, { ...bounds, integer: true });
}

export type { FlagValues };
export { integerFlag, numberFlag, stringFlag, stringsFlag };
