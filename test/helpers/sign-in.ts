// Signing in from an e2e test, written once. The test platform creates one user per role
// (`<role>@test.local`, password `<role>-password-123`, test/helpers/platform.ts).
//
//   await signIn(page, '/vinted');            // through the French sign-in form, landing on /vinted
//   await signInApi(page);                    // cookies only (POST /api/auth/login), no page loaded
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export type TestRole = 'admin' | 'operator' | 'viewer';

export const credentials = (role: TestRole) => ({ email: `${role}@test.local`, password: `${role}-password-123` });

/** opens `path` and fills the sign-in form it leads to; the app then shows `path` */
export async function signIn(page: Page, path: string, role: TestRole = 'operator'): Promise<void> {
  const { email, password } = credentials(role);
  await page.goto(path);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** signs the page's browser context in through the API (the session cookies), for tests not about the form */
export async function signInApi(page: Page, role: TestRole = 'operator'): Promise<void> {
  const r = await page.request.post('/api/auth/login', { data: credentials(role) });
  expect(r.status()).toBe(200);
}
