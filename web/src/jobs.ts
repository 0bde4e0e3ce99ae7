// Live job state: Server-Sent Events from GET /api/jobs/{id}/events (`event: job` = the JobRecord on
// each change, `event: log` = one log line), plus polling of the job list for jobs not streamed.
// Module pages can use `useJob(id)` or the <JobProgress> component to follow a job they started.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, isFinished, refreshSession } from './api.ts';
import type { Artifact, JobEvent, JobRecord } from './api.ts';

export interface JobStreamHandlers {
  onJob?: (job: JobRecord) => void;
  onLog?: (event: JobEvent) => void;
  /** the stream ended for good: the job finished, or the server kept refusing */
  onEnd?: () => void;
  onConnected?: (connected: boolean) => void;
}

/**
 * Follows one job over SSE. EventSource reconnects by itself after a network blip; an HTTP error
 * (e.g. 401 once the access cookie expired) closes it for good, so then we refresh the session and
 * reopen it, a few times with a growing pause. Returns a function that stops following.
 */
export function followJob(id: string, h: JobStreamHandlers): () => void {
  let es: EventSource | null = null;
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    h.onEnd?.();
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    es?.close();
    es = null;
  };

  let openedAt = 0;
  const open = () => {
    if (stopped) return;
    openedAt = performance.now();
    es = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`, { withCredentials: true });
    es.onopen = () => {
      failures = 0;
      h.onConnected?.(true);
    };
    es.addEventListener('job', (e) => {
      const job = parse<JobRecord>((e as MessageEvent).data);
      if (!job) return;
      h.onJob?.(job);
      // the server closes the stream once the job is finished; close first so the browser does
      // not reconnect in a loop
      if (isFinished(job.status)) {
        stop();
        h.onConnected?.(false);
        end();
      }
    });
    es.addEventListener('log', (e) => {
      const ev = parse<JobEvent>((e as MessageEvent).data);
      if (ev) h.onLog?.(ev);
    });
    // the server says it is done (job finished or gone): do not let the browser reconnect
    es.addEventListener('end', () => {
      stop();
      h.onConnected?.(false);
      end();
    });
    es.onerror = () => {
      h.onConnected?.(false);
      if (stopped || !es || es.readyState !== EventSource.CLOSED) return; // browser retries itself
      es = null;
      failures++;
      if (failures > 5) {
        end();
        return;
      }
      void refreshSession(openedAt).then(() => {
        timer = setTimeout(open, Math.min(1000 * 2 ** (failures - 1), 10_000));
      });
    };
  };

  open();
  return stop;
}

function parse<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}

/** Newer of two versions of the same job (SSE and polling can race). */
export function newer(a: JobRecord | undefined, b: JobRecord): JobRecord {
  if (!a) return b;
  if (isFinished(a.status) && !isFinished(b.status)) return a;
  if (a.updated_at && b.updated_at) return Date.parse(b.updated_at) >= Date.parse(a.updated_at) ? b : a;
  return b;
}

/** One job with its log and artefacts, live while it runs. */
export function useJob(id: string | undefined): {
  job: JobRecord | undefined;
  events: JobEvent[];
  artifacts: Artifact[];
  error: ApiError | undefined;
  live: boolean;
  setJob: (j: JobRecord) => void;
} {
  const [job, setJobState] = useState<JobRecord>();
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [artifacts, setArtifacts] = useState<Artifact[]>([]);
  const [error, setError] = useState<ApiError>();
  const [live, setLive] = useState(false);
  const seen = useRef(new Set<number>());

  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    let stopFollow: (() => void) | undefined;
    seen.current = new Set();
    setJobState(undefined);
    setEvents([]);
    setArtifacts([]);
    setError(undefined);

    const addEvents = (list: JobEvent[]) => {
      const fresh = list.filter((e) => !seen.current.has(e.seq));
      if (fresh.length === 0) return;
      for (const e of fresh) seen.current.add(e.seq);
      setEvents((prev) => [...prev, ...fresh].sort((a, b) => a.seq - b.seq));
    };

    const load = async () => {
      const d = await api.get<{ job: JobRecord; events?: JobEvent[]; artifacts?: Artifact[] }>(
        `/api/jobs/${encodeURIComponent(id)}`,
      );
      if (cancelled) return d;
      setJobState((prev) => newer(prev, d.job));
      addEvents(d.events ?? []);
      setArtifacts(d.artifacts ?? []);
      return d;
    };

    load()
      .then((d) => {
        if (cancelled || isFinished(d.job.status)) return;
        stopFollow = followJob(id, {
          onJob: (j) => setJobState((prev) => newer(prev, j)),
          onLog: (e) => {
            addEvents([e]);
            if (e.type === 'artifact') {
              void api
                .get<{ artifacts: Artifact[] }>(`/api/jobs/${encodeURIComponent(id)}/artifacts`)
                .then((r) => !cancelled && setArtifacts(r.artifacts))
                .catch(() => undefined);
            }
          },
          onConnected: setLive,
          // final state, full log and the artefacts attached at the end
          onEnd: () => void load().catch(() => undefined),
        });
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
      });

    return () => {
      cancelled = true;
      stopFollow?.();
      setLive(false);
    };
  }, [id]);

  return { job, events, artifacts, error, live, setJob: (j) => setJobState((prev) => newer(prev, j)) };
}

// Browsers allow ~6 connections per host over HTTP/1.1: stream only the few most recent unfinished
// jobs at once (newest first, as the API lists them), poll the rest.
const MAX_STREAMS = 4;

/** The job list (GET /api/jobs), polled, with the most recent running jobs streamed live. */
export function useJobList(query: string): {
  jobs: JobRecord[] | undefined;
  error: ApiError | undefined;
  reload: () => Promise<void>;
  update: (j: JobRecord) => void;
  streaming: Set<string>;
} {
  const [jobs, setJobs] = useState<JobRecord[]>();
  const [error, setError] = useState<ApiError>();
  const [streaming, setStreaming] = useState<Set<string>>(new Set());
  const streams = useRef(new Map<string, () => void>());
  const reloadRef = useRef<() => Promise<void>>(async () => undefined);

  const update = (j: JobRecord) =>
    setJobs((prev) => prev?.map((x) => (x.id === j.id ? newer(x, j) : x)));

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let active = false;

    const reload = async () => {
      try {
        const d = await api.get<{ jobs: JobRecord[] }>(`/api/jobs${query ? `?${query}` : ''}`);
        if (cancelled) return;
        setError(undefined);
        setJobs((prev) => {
          const byId = new Map((prev ?? []).map((j) => [j.id, j]));
          return d.jobs.map((j) => newer(streams.current.has(j.id) ? byId.get(j.id) : undefined, j));
        });
        active = d.jobs.some((j) => !isFinished(j.status));
        syncStreams(d.jobs);
      } catch (err) {
        if (!cancelled) setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
      }
    };
    reloadRef.current = reload;

    const syncStreams = (list: JobRecord[]) => {
      const want = new Set(
        list
          // queued ones too: their stream tells the moment they start
          .filter((j) => !isFinished(j.status))
          .slice(0, MAX_STREAMS)
          .map((j) => j.id),
      );
      for (const [id, stop] of streams.current) {
        if (!want.has(id)) {
          stop();
          streams.current.delete(id);
        }
      }
      for (const id of want) {
        if (streams.current.has(id)) continue;
        const stop = followJob(id, {
          onJob: (j) => setJobs((prev) => prev?.map((x) => (x.id === j.id ? newer(x, j) : x))),
          onEnd: () => {
            streams.current.get(id)?.();
            streams.current.delete(id);
            setStreaming(new Set(streams.current.keys()));
          },
        });
        streams.current.set(id, stop);
      }
      setStreaming(new Set(streams.current.keys()));
    };

    // poll quickly while something is queued or running (new jobs, queued → running), slowly otherwise
    const loop = async () => {
      if (document.visibilityState === 'visible') await reload();
      if (!cancelled) timer = setTimeout(loop, active ? 2000 : 10_000);
    };
    void loop();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onVisible);

    return () => {
      cancelled = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
      for (const stop of streams.current.values()) stop();
      streams.current.clear();
    };
  }, [query]);

  return { jobs, error, reload: () => reloadRef.current(), update, streaming };
}
