// Who is signed in. The session itself lives in httpOnly cookies the page cannot read: we only ask
// GET /api/auth/me (which refreshes the session once when the access cookie expired).
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { api, ApiError, onUnauthorized } from './api.ts';
import type { Role, User } from './api.ts';

type Status = 'loading' | 'signedOut' | 'signedIn' | 'offline';

interface AuthState {
  status: Status;
  user: User | null;
  /** true when the server has no user yet (first run) */
  needsSetup: boolean;
  /** set when the session ended on its own (expired refresh token) */
  expired: boolean;
  /** set right after the user signed out on purpose (then the sign-in page forgets the last page) */
  signedOutByUser: boolean;
  login(email: string, password: string): Promise<void>;
  setup(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  check(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export function hasRole(user: User | null, role: Role): boolean {
  return !!user && rank[user.role] >= rank[role];
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [needsSetup, setNeedsSetup] = useState(false);
  const [expired, setExpired] = useState(false);
  const [signedOutByUser, setSignedOutByUser] = useState(false);

  const check = useCallback(async () => {
    try {
      const { user } = await api.get<{ user: User }>('/api/auth/me');
      setUser(user);
      setStatus('signedIn');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setUser(null);
        try {
          const s = await api.get<{ needsSetup: boolean }>('/api/auth/setup');
          setNeedsSetup(s.needsSetup);
        } catch {
          setNeedsSetup(false);
        }
        setStatus('signedOut');
      } else {
        setStatus('offline');
      }
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const userRef = useRef<User | null>(null);
  userRef.current = user;
  useEffect(
    () =>
      onUnauthorized(() => {
        if (userRef.current) setExpired(true); // signed in a moment ago: say why the login page shows
        setUser(null);
        setStatus('signedOut');
      }),
    [],
  );

  const login = useCallback(async (email: string, password: string) => {
    const { user } = await api.post<{ user: User }>('/api/auth/login', { email, password });
    setUser(user);
    setExpired(false);
    setSignedOutByUser(false);
    setStatus('signedIn');
  }, []);

  const setup = useCallback(
    async (email: string, password: string) => {
      const r = await api.post<{ user?: User }>('/api/auth/setup', { email, password });
      setNeedsSetup(false);
      setExpired(false);
      if (r?.user) {
        setUser(r.user);
        setStatus('signedIn');
      } else {
        await check();
      }
    },
    [check],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      setUser(null);
      setExpired(false);
      setSignedOutByUser(true);
      setStatus('signedOut');
    }
  }, []);

  const value = useMemo(
    () => ({ status, user, needsSetup, expired, signedOutByUser, login, setup, logout, check }),
    [status, user, needsSetup, expired, signedOutByUser, login, setup, logout, check],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside <AuthProvider>');
  return v;
}
