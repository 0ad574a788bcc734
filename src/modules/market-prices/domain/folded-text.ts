/**
 * Text compared the way a person reads it: without accents, case or repeated spaces.
 * ODEPA's files write the same heading as `Precio minimo` one year and `Precio mínimo` the
 * next, and a product as `Quinoa` or `Quínoa`; both must find the same column or alias.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Published text kept as written, only trimmed and with runs of spaces made one. */
export function tidyText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The key an ODEPA product name is looked up by in the alias table (`Quínoa` = `quinoa`). */
export function productAliasKey(name: string): string {
  return foldText(name);
}
