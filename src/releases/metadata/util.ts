// Small normalisers shared by the extractors.

export function yearOf(date: string | undefined): number | undefined {
  if (!date) return undefined;
  const m = /(1[5-9]\d\d|20\d\d|21\d\d)/.exec(date);
  return m ? Number(m[1]) : undefined;
}

/** ISBN-10/13 without separators when the check digit is right, else undefined */
export function cleanIsbn(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.replace(/^urn:isbn:/i, '').replace(/^isbn[:\s]*/i, '').replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{13}$/.test(v)) {
    const sum = [...v.slice(0, 12)].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
    return (10 - (sum % 10)) % 10 === Number(v[12]) ? v : undefined;
  }
  if (/^\d{9}[\dX]$/.test(v)) {
    const sum = [...v].reduce((s, d, i) => s + (d === 'X' ? 10 : Number(d)) * (10 - i), 0);
    return sum % 11 === 0 ? v : undefined;
  }
  return undefined;
}

/** "Tolkien, J. R. R." → "J. R. R. Tolkien"; keeps "Jane Doe" as is */
export function personName(value: string): string {
  const v = value.replace(/\s+/g, ' ').trim();
  const m = /^([^,]+),\s*([^,]+)$/.exec(v);
  return m ? `${m[2]} ${m[1]}` : v;
}

export function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) {
    const v = o[k];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
  return o;
}
