// The only way the web app talks to the server: the public JSON API, with the session in
// httpOnly cookies. On a 401 the client asks POST /api/auth/refresh once (shared by every request
// that failed at the same time) and retries the request once; if that fails too the app shows
// the login page.
//
// Module pages use it like:
//   import { api, ApiError } from '../../api.ts';
//   const { jobs } = await api.get<{ jobs: JobRecord[] }>('/api/jobs?module=vinted');
//   const { job } = await api.post<{ job: JobRecord }>('/api/vinted/ingest', { … });
//   await api.upload('/api/vinted/photos', formData);   // multipart
import { useCallback, useEffect, useRef, useState } from 'react';

export type Role = 'viewer' | 'operator' | 'admin';
export interface User {
  id: string;
  email: string;
  role: Role;
}

export type JobStatus = 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'cancelled';
export const FINISHED: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isFinished = (s: JobStatus): boolean => FINISHED.includes(s);

export interface JobRecord {
  id: string;
  module: string;
  kind: string;
  status: JobStatus;
  title: string | null;
  progress: number;
  counters: Record<string, number>;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at?: string;
  result?: unknown;
  payload?: Record<string, unknown>;
  created_by?: string | null;
}

export interface JobEvent {
  seq: number;
  ts: string;
  type?: 'log' | 'progress' | 'status' | 'artifact';
  level: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

export interface Artifact {
  id: string;
  job_id?: string;
  name: string;
  size: number;
  content_type: string;
  created_at: string;
}

export interface ModuleInfo {
  name: string;
  title: { fr: string; en: string };
}

/** An error answered by the API ({error:{code,message,details}}) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// Endpoints where a 401 means "wrong credentials", not "session expired".
const NO_REFRESH = ['/api/auth/login', '/api/auth/refresh', '/api/auth/setup', '/api/auth/logout'];

let refreshing: Promise<boolean> | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Called when the session is gone for good (refresh failed): the app shows the login page. */
export function onUnauthorized(cb: () => void): () => void {
  unauthorizedListeners.add(cb);
  return () => unauthorizedListeners.delete(cb);
}

let lastRefreshed = -Infinity;

/**
 * One refresh at a time, whatever the number of requests that saw a 401 together. `sentAt`
 * (performance.now() when the failed request was sent): a request that left before a refresh
 * finished and got its 401 after it is simply retried, it does not refresh a second time.
 */
export function refreshSession(sentAt?: number): Promise<boolean> {
  if (sentAt !== undefined && lastRefreshed > sentAt && !refreshing) return Promise.resolve(true);
  refreshing ??= fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then((r) => {
      if (r.ok) lastRefreshed = performance.now();
      return r.ok;
    })
    .catch(() => false)
    .finally(() => {
      // let the next expiry trigger a new refresh
      setTimeout(() => (refreshing = null), 0);
    });
  return refreshing;
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  return new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText ?? 'error', e?.details);
}

/** fetch() with cookies and the refresh-on-401 retry; returns the raw Response (for downloads). */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const doFetch = () => fetch(path, { credentials: 'same-origin', ...init });
  let res: Response;
  const sentAt = performance.now();
  try {
    res = await doFetch();
  } catch (err) {
    throw new ApiError(0, 'network', (err as Error).message || 'network error');
  }
  if (res.status === 401 && !NO_REFRESH.some((p) => path.startsWith(p))) {
    if (await refreshSession(sentAt)) {
      try {
        res = await doFetch();
      } catch (err) {
        throw new ApiError(0, 'network', (err as Error).message || 'network error');
      }
    }
    if (res.status === 401) for (const l of unauthorizedListeners) l();
  }
  return res;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await apiFetch(path, init);
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, form),
};

/**
 * Downloads a file the browser way (streamed to disk, no memory copy) after making sure the session
 * is fresh, since a plain link cannot refresh an expired access cookie by itself.
 */
export async function download(href: string, filename?: string): Promise<void> {
  await api.get('/api/auth/me');
  const a = document.createElement('a');
  a.href = href;
  if (filename) a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Loads `path` (GET) on mount and when `path` changes; `reload()` refetches. */
export function useApi<T>(path: string | null): {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (d: T) => void;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const d = await api.get<T>(path);
      if (current.current === path) {
        setData(d);
        setError(undefined);
      }
    } catch (err) {
      if (current.current === path) setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, error, loading, reload, setData };
}
