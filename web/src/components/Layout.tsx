// The frame around every signed-in page: header with navigation, language switch and account menu.
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router-dom';
import { api } from '../api.ts';
import type { ModuleInfo } from '../api.ts';
import { LANGS, useI18n } from '../i18n.ts';
import { useAuth } from '../auth.tsx';
import { cx } from './ui.tsx';

/** The modules the shell knows pages for, in menu order. */
export const KNOWN_MODULES = ['vinted', 'promoteurs', 'releases'] as const;

let modulesCache: Promise<ModuleInfo[]> | null = null;

/** Modules installed on this server (GET /api/modules); all known ones if the call fails. */
export function useModules(): ModuleInfo[] | undefined {
  const [mods, setMods] = useState<ModuleInfo[]>();
  useEffect(() => {
    modulesCache ??= api
      .get<ModuleInfo[] | { modules: ModuleInfo[] }>('/api/modules')
      .then((r) => (Array.isArray(r) ? r : r.modules))
      .catch(() => {
        modulesCache = null; // try again next time
        return KNOWN_MODULES.map((name) => ({ name, title: { fr: '', en: '' } }));
      });
    let alive = true;
    void modulesCache.then((m) => alive && setMods(m.filter((x) => (KNOWN_MODULES as readonly string[]).includes(x.name))));
    return () => {
      alive = false;
    };
  }, []);
  return mods;
}

export function LanguageSwitch({ className }: { className?: string }) {
  const { lang, setLang, t } = useI18n();
  return (
    <div role="group" aria-label={t('lang.label')} className={cx('inline-flex rounded-lg bg-slate-100 p-0.5 text-xs font-semibold', className)}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          onClick={() => setLang(l)}
          aria-pressed={lang === l}
          title={t(`lang.${l}`)}
          className={cx('rounded-md px-2 py-1 uppercase transition-colors', lang === l ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-500 hover:text-slate-800')}
        >
          {l}
        </button>
      ))}
    </div>
  );
}

function UserMenu() {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  if (!user) return null;
  const initial = user.email.slice(0, 1).toUpperCase();
  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        className="flex items-center gap-2 rounded-full py-1 pr-2 pl-1 text-sm text-slate-700 hover:bg-slate-100"
      >
        <span className="grid size-7 place-items-center rounded-full bg-indigo-600 text-xs font-semibold text-white">{initial}</span>
        <span className="hidden max-w-48 truncate md:inline">{user.email}</span>
      </button>
      {open && (
        <div className="absolute right-0 z-20 mt-2 w-60 overflow-hidden rounded-xl bg-white shadow-lg ring-1 ring-slate-200">
          <div className="border-b border-slate-100 px-4 py-3">
            <p className="truncate text-sm font-medium text-slate-900">{user.email}</p>
            <p className="text-xs text-slate-500">{t(`role.${user.role}`)}</p>
          </div>
          <Link to="/account" className="block px-4 py-2 text-sm text-slate-700 hover:bg-slate-50">
            {t('nav.account')}
          </Link>
          {user.role === 'admin' && (
            <Link to="/users" className="block px-4 py-2 text-sm text-slate-700 hover:bg-slate-50">
              {t('nav.users')}
            </Link>
          )}
          <button type="button" onClick={() => void logout()} className="block w-full px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-50">
            {t('nav.logout')}
          </button>
        </div>
      )}
    </div>
  );
}

export function Logo() {
  return (
    <span className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
      <svg viewBox="0 0 32 32" className="size-7" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-indigo-600" />
        <path d="M9 22 16 9l7 13M11.8 17h8.4" className="stroke-white" strokeWidth="2.6" fill="none" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      atelier
    </span>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, pick } = useI18n();
  const modules = useModules();
  const link = ({ isActive }: { isActive: boolean }) =>
    cx(
      'rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors',
      isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900',
    );
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2 sm:px-6">
          <Link to="/" className="shrink-0">
            <Logo />
          </Link>
          <nav aria-label={t('nav.menu')} className="order-last -mx-1 flex w-full flex-wrap gap-1 pb-1 md:order-none md:w-auto md:pb-0">
            <NavLink to="/" end className={link}>
              {t('nav.home')}
            </NavLink>
            {(modules ?? []).map((m) => (
              <NavLink key={m.name} to={`/${m.name}`} className={link}>
                {pick(m.title) || t(`${m.name}.title`)}
              </NavLink>
            ))}
            <NavLink to="/jobs" className={link}>
              {t('nav.jobs')}
            </NavLink>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <LanguageSwitch />
            <UserMenu />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">{children}</main>
    </div>
  );
}
