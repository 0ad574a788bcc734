export interface Messages {
  es: Record<string, string>;
  en: Record<string, string>;
}

/** Spanish first; English must name exactly the same keys, or this does not compile. */
export function defineMessages<Keys extends string>(messages: {
  es: Record<Keys, string>;
  en: Record<NoInfer<Keys>, string>;
}): Messages {
  return messages;
}
