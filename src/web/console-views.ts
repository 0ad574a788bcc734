import { Inject, Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Language, ProblemDetails } from '../shared/errors/problem-details';
import * as format from './format/format';
import { type Translate, translator } from './i18n/messages';

/** `npm run build` copies the templates beside the compiled console (see package.json). */
export const VIEWS_DIR = join(__dirname, 'views');
export const ASSETS_DIR = join(__dirname, 'assets');

/** What every template can use besides its own data. */
export interface PageLocals {
  language: Language;
  t: Translate;
  csrf: string;
  /** The signed-in person, when there is one. */
  user?: { displayName: string; email: string };
  /** Links for the navigation: the organisation the page belongs to, if any. */
  organization?: { id: string; name: string; kind: 'association' | 'buyer' };
  title: string;
  path: string;
  fmt: ReturnType<typeof formatters>;
  problemText: (problem: ProblemDetails) => string;
  [name: string]: unknown;
}

export function formatters(language: Language) {
  return {
    decimal: (value: string) => format.formatDecimal(value, language),
    money: (value: string, currency: string) => format.formatMoney(value, currency, language),
    unitPrice: (value: string, currency: string, unit: string) =>
      format.formatUnitPrice(value, currency, unit, language),
    percent: (value: string, isPercent = false) => format.formatPercent(value, language, isPercent),
    dateTime: (iso: string) => format.formatDateTime(iso, language),
    date: (iso: string) => format.formatDate(iso, language),
    localInput: (iso: string) => format.isoToSantiagoLocal(iso),
    day: (date: string) => format.formatCalendarDate(date, language),
    shortDay: (date: string) => format.formatCalendarDate(date, language, 'short'),
    rut: (rut: string) => format.formatRut(rut),
  };
}

/**
 * What a refusal says to the person: the API localises each code's title, while a domain
 * error's detail is written in English, so Spanish pages show the title.
 */
export function problemText(problem: ProblemDetails, language: Language): string {
  return language === 'es' ? problem.title : problem.detail;
}

/** Eta templates, escaped by default (`<%= %>`); `<%~ %>` only for markup we built. */
@Injectable()
export class ConsoleViews {
  private readonly eta: Eta;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.eta = new Eta({ views: VIEWS_DIR, cache: config.production, autoEscape: true });
  }

  render(view: string, locals: PageLocals): string {
    return this.eta.render(view, locals);
  }

  locals(language: Language): Pick<PageLocals, 'language' | 't' | 'fmt' | 'problemText'> {
    return {
      language,
      t: translator(language),
      fmt: formatters(language),
      problemText: (problem) => problemText(problem, language),
    };
  }
}
