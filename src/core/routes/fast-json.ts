// A response serializer for hot routes: fast-json-stringify compiled from the route's zod schema
// (as JSON Schema) instead of a zod parse of the whole answer then JSON.stringify — 2–4× cheaper
// on a 50-row list. Like the zod serializer it writes only the properties the schema declares
// (an extra field in a row never leaks); unlike it, it does not reject an answer of the wrong shape,
// so keep it for answers built from typed records. Use: `{ serializerCompiler: fastSerializer, … }`.
import fastJson from 'fast-json-stringify';
import { z } from 'zod';

export function fastSerializer({ schema }: { schema: unknown }): (data: unknown) => string {
  // dates (z.coerce.date) have no JSON Schema type: "any", which fast-json-stringify writes with
  // JSON.stringify, i.e. as an ISO string like the zod serializer
  const json = z.toJSONSchema(schema as z.ZodType, { io: 'output', unrepresentable: 'any', target: 'draft-7' });
  return fastJson(json as Parameters<typeof fastJson>[0]);
}
