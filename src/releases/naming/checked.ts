// The one way the Packer names a release: build the name from the metadata, then run the rule set's
// own name checks on it with the author/title boundary the metadata gives. A name the validator
// would refuse is never written: it is an error here, with the rules named (the property test in
// test/releases/naming-property.test.ts holds this over generated metadata).
import type { ReleaseMetadata } from '../metadata/types.ts';
import type { RuleSet } from '../rules/types.ts';
import { validateName, type NameParts, type ValidationCheck } from '../validate/index.ts';
import { buildReleaseName, type NameOptions, type NameResult } from './index.ts';

export class NamingError extends Error {
  readonly checks: ValidationCheck[];
  constructor(message: string, checks: ValidationCheck[] = []) {
    super(message);
    this.name = 'NamingError';
    this.checks = checks;
  }
}

/** the pieces the validator pins: author/publisher + title (EBOOK, DOCS), show (TV) */
export function boundaryOf(parts: NameResult['parts']): NameParts {
  const { author, publisher, title, show } = parts;
  return Object.fromEntries(Object.entries({ author, publisher, title, show }).filter(([, v]) => v)) as NameParts;
}

export function checkedReleaseName(md: ReleaseMetadata, opts: NameOptions, rs: RuleSet): NameResult & { boundary: NameParts; checks: ValidationCheck[] } {
  let r: NameResult;
  try {
    r = buildReleaseName(md, { languages: rs.naming.languages, ...opts });
  } catch (e) {
    throw new NamingError((e as Error).message);
  }
  const boundary = boundaryOf(r.parts);
  const checks = validateName(r.name, rs, { parts: boundary });
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) {
    throw new NamingError(`the name built from the metadata, ${r.name}, fails ${rs.id}: ${failed.map((c) => `${c.rule}: ${c.detail}`).join('; ')} — edit the metadata or give the name`, checks);
  }
  return { ...r, boundary, checks };
}
