// Routes of the shell. Module pages are loaded on demand from ./modules/<name>/index.tsx (default
// export) and mounted at /<name>/* inside the layout; each module's ./modules/<name>/i18n.ts is loaded
// at start so job kinds and counters show with the module's labels everywhere.
import { Component, Suspense, lazy } from 'react';
import type { ComponentType, ErrorInfo, LazyExoticComponent, ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth.tsx';
import { t, useI18n } from './i18n.ts';
import { Layout, Logo, KNOWN_MODULES } from './components/Layout.tsx';
import { Alert, Button, Loading, Spinner } from './components/ui.tsx';
import LoginPage from './pages/Login.tsx';
import SetupPage from './pages/Setup.tsx';
import HomePage from './pages/Home.tsx';
import NotFoundPage from './pages/NotFound.tsx';

const JobsPage = lazy(() => import('./pages/Jobs.tsx'));
const JobPage = lazy(() => import('./pages/Job.tsx'));
const AccountPage = lazy(() => import('./pages/Account.tsx'));
const UsersPage = lazy(() => import('./pages/Users.tsx'));

import.meta.glob('./modules/*/i18n.ts', { eager: true });
const modulePages = import.meta.glob<{ default: ComponentType }>('./modules/*/index.tsx');
const moduleRoutes: Array<{ name: string; Page: LazyExoticComponent<ComponentType> }> = KNOWN_MODULES.flatMap((name) => {
  const load = modulePages[`./modules/${name}/index.tsx`];
  return load ? [{ name, Page: lazy(load) }] : [];
});

class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }
  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  render() {
    if (this.state.error) {
      return (
        <Alert>
          <p className="font-medium">{t('common.moduleError')}</p>
          <p className="mt-1 font-mono text-xs break-words">{this.state.error.message}</p>
        </Alert>
      );
    }
    return this.props.children;
  }
}

function FullScreen({ children }: { children: ReactNode }) {
  return <div className="flex min-h-screen flex-col items-center justify-center gap-6 bg-slate-50 px-4">{children}</div>;
}

function SignedIn() {
  const { status, needsSetup, signedOutByUser, check } = useAuth();
  const { t } = useI18n();
  const location = useLocation();

  if (status === 'loading') {
    return (
      <FullScreen>
        <Logo />
        <Spinner className="size-6 text-indigo-600" />
      </FullScreen>
    );
  }
  if (status === 'offline') {
    return (
      <FullScreen>
        <Logo />
        <div className="w-full max-w-md space-y-4">
          <Alert>{t('common.network')}</Alert>
          <Button onClick={() => void check()}>{t('common.retry')}</Button>
        </div>
      </FullScreen>
    );
  }
  if (status === 'signedOut') {
    if (needsSetup) return <Navigate to="/setup" replace />;
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' || signedOutByUser ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <Layout>
      <ErrorBoundary resetKey={location.pathname}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/:id" element={<JobPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/users" element={<UsersPage />} />
            {moduleRoutes.map(({ name, Page }) => (
              <Route key={name} path={`/${name}/*`} element={<Page />} />
            ))}
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}

function Public({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  if (status === 'loading') {
    return (
      <FullScreen>
        <Logo />
        <Spinner className="size-6 text-indigo-600" />
      </FullScreen>
    );
  }
  return <>{children}</>;
}

export default function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<Public><LoginPage /></Public>} />
          <Route path="/setup" element={<Public><SetupPage /></Public>} />
          <Route path="*" element={<SignedIn />} />
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
