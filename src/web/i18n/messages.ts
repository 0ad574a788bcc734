import type { Language } from '../../shared/errors/problem-details';
import { auth } from './auth.messages';
import { common } from './common.messages';
import { costs } from './costs.messages';
import { lots } from './lots.messages';
import type { Messages } from './define-messages';
import { members } from './members.messages';
import { prices } from './prices.messages';
import { settlement } from './settlement.messages';

/** Each area of the console keeps its words in its own file; they are listed here. */
const AREAS: Messages[] = [common, auth, lots, prices, members, costs, settlement];

const WORDS: Record<Language, Record<string, string>> = {
  es: Object.assign({}, ...AREAS.map((area) => area.es)) as Record<string, string>,
  en: Object.assign({}, ...AREAS.map((area) => area.en)) as Record<string, string>,
};

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A missing key shows itself (`[lot.title]`) rather than an empty space on the page. */
export function translator(language: Language): Translate {
  const words = WORDS[language];
  return (key, params) => {
    const text = words[key] ?? `[${key}]`;
    return params
      ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''))
      : text;
  };
}
