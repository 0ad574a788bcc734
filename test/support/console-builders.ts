import type TestAgent from 'supertest/lib/agent';
import type { TestUser } from './builders';

/** The CSRF token of a console page, as a browser would post it back. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Signs `user` in to the console on `browser` (a supertest agent keeping cookies). */
export async function signInToConsole(browser: TestAgent, user: TestUser): Promise<void> {
  const form = await browser.get('/entrar');
  const response = await browser
    .post('/entrar')
    .type('form')
    .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password });
  if (response.status !== 303) throw new Error(`sign-in refused: ${response.status}`);
}

/** Market days counted back from today in Chile, `YYYY-MM-DD`. */
export function chileanDaysAgo(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago' }).format(
    new Date(),
  );
  const instant = new Date(`${today}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() - days);
  return instant.toISOString().slice(0, 10);
}
