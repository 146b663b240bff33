import { JSONRPCErrorException } from 'json-rpc-2.0';

/*
 * Checks of the parameters a client sent: every method validates its input here and answers -32602 with the
 * name of the parameter that is wrong, instead of failing somewhere deeper.
 */

export type Params = Record<string, unknown>;

export function asParams(p: unknown): Params {
  if (p === undefined || p === null) return {};
  if (typeof p !== 'object' || Array.isArray(p)) throw invalid('params must be an object');
  return p as Params;
}

export function invalid(message: string): JSONRPCErrorException {
  return new JSONRPCErrorException(message, -32602);
}

export function str(p: Params, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw invalid(`'${key}' must be a non-empty string`);
  return v;
}

export function optStr(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`'${key}' must be a string`);
  return v;
}

export function optBool(p: Params, key: string): boolean {
  const v = p[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalid(`'${key}' must be a boolean`);
  return v;
}

export function optNum(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`'${key}' must be a number`);
  return v;
}

export function strList(p: Params, key: string): string[] {
  const v = p[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid(`'${key}' must be a list of strings`);
  return v as string[];
}

export function oneOf<T extends string>(p: Params, key: string, values: readonly T[], fallback: T): T {
  const v = p[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw invalid(`'${key}' must be one of ${values.join(', ')}`);
  }
  return v as T;
}
