// A typed client for the control API (/_mock/). It is shipped on its own
// (`crm-bulk-emulator/client`), so it must never load server code: schemas are imported as types
// only, and requests go through the global fetch. test/client.test.ts checks the compiled file.
import type { Static } from '@sinclair/typebox';
import type { ClockAdvanceT, ClockResponseT, ClockUpdateT } from '../schemas/control/clock.js';
import type { ControlErrorT } from '../schemas/control/common.js';
import type { HealthResponse } from '../schemas/control/health.js';
import type {
  ControlJobT, JobList as JobListSchema, JobListQuery, JobWaitQuery, OutboxList as OutboxListSchema, OutboxMessageT, TickerT, TickerUpdateT,
} from '../schemas/control/jobs.js';
import type { OrgCreateT, OrgListWithCounts as OrgListSchema, OrgResponseT } from '../schemas/control/orgs.js';
import type { RateLimitResponseT, RateLimitUpdateT } from '../schemas/control/rate-limit.js';
import type { DatasetT } from '../schemas/seed.js';
import type { FaultList as FaultListSchema, FaultRuleInputT, FaultRuleT } from '../schemas/control/faults.js';
import type {
  Delivery as DeliverySchema, DeliveryList as DeliveryListSchema, DeliveryQuery, FlushCounts as FlushCountsSchema, WebhookSettings as WebhookSettingsSchema,
  WebhookSettingsUpdate,
} from '../schemas/control/webhooks.js';
import type { BlueAIMember as BlueAIMemberSchema, BlueAIMemberCreate, BlueAISessionList as BlueAISessionListSchema } from '../schemas/control/sessions.js';
import type { JournalEntry as JournalEntrySchema, RequestFilterQueryT, RequestList as RequestListSchema } from '../schemas/control/requests.js';

export type HealthT = Static<typeof HealthResponse>;
export type JobStatus = ControlJobT['status'];
export type JobListFilter = Static<typeof JobListQuery>;
export type { ClockResponseT, ClockUpdateT, ControlJobT, DatasetT, OrgCreateT, OrgResponseT, OutboxMessageT, RateLimitResponseT, RateLimitUpdateT, TickerT, TickerUpdateT };

export type FaultRuleInput = FaultRuleInputT;
export type FaultRule = FaultRuleT;
/** Journal filters; `status` is exact (404) or a class ('4xx'). */
export type RequestFilter = Omit<RequestFilterQueryT, 'status'> & { status?: number | string };
export type JournalEntry = Static<typeof JournalEntrySchema>;
// Lists answer as the HTTP routes do: `{data: [...]}` (the journal adds `total`).
export type OrgList = Static<typeof OrgListSchema>;
export type JobList = Static<typeof JobListSchema>;
export type OutboxList = Static<typeof OutboxListSchema>;
export type FaultList = Static<typeof FaultListSchema>;
export type RequestList = Static<typeof RequestListSchema>;
/** Close webhook deliveries and the deliverer's settings. */
export type WebhookDelivery = Static<typeof DeliverySchema>;
export type WebhookDeliveryList = Static<typeof DeliveryListSchema>;
export type WebhookDeliveryFilter = Partial<Static<typeof DeliveryQuery>>;
export type WebhookFlushCounts = Static<typeof FlushCountsSchema>;
export type WebhookSettings = Static<typeof WebhookSettingsSchema>;
export type WebhookSettingsPatch = Static<typeof WebhookSettingsUpdate>;
/** BlueAI sign-in: a member who signs in with a password (`role` defaults to member), and an organization's sessions. */
export type BlueAIMemberInput = Omit<Static<typeof BlueAIMemberCreate>, 'role'> & { role?: Static<typeof BlueAIMemberCreate>['role'] };
export type BlueAIMember = Static<typeof BlueAIMemberSchema>;
export type BlueAISessionList = Static<typeof BlueAISessionListSchema>;
export type OpenApiSurface = 'close' | 'blueai' | 'control';
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [field: string]: unknown };
  paths: Record<string, unknown>;
  [field: string]: unknown;
}

export interface EmulatorClientOptions {
  /** The emulator's CONTROL_TOKEN, sent as `Authorization: Bearer …`. */
  controlToken?: string;
  /** Another fetch (a test stub, an undici dispatcher); the global one by default. */
  fetch?: typeof fetch;
}

/** A control API answer that was not 2xx, with the fields of its `{"error": {…}}` envelope. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** A job's state, on a wait that timed out (408) or can never succeed (409). */
  readonly state: unknown;
  /** The parsed body (or its text when it was not JSON). */
  readonly body: unknown;

  /** `${operation}: ${method} ${url} → ${status}: ${message}`; operation is e.g. `EmulatorClient.orgs.get`. */
  constructor(status: number, body: unknown, method: string, url: string, operation = 'EmulatorClient.request') {
    const error = (body as Partial<ControlErrorT> | null)?.error;
    super(`${operation}: ${method} ${url} → ${status}: ${error?.message ?? (typeof body === 'string' && body ? body : 'no error message')}`);
    this.status = status;
    this.code = error?.code ?? `HTTP_${status}`;
    this.field = error?.field;
    this.state = error?.state;
    this.body = body;
  }
}

/**
 * A control API call that got no answer (nothing listens, the connection was reset, a DNS failure):
 * names the operation and the URL, with the network error as `cause`.
 */
export class EmulatorUnreachableError extends Error {
  override readonly name = 'EmulatorUnreachableError';
  constructor(readonly operation: string, readonly method: string, readonly url: string, cause: unknown) {
    super(`${operation}: ${method} ${url} failed: ${reasonOf(cause)}`, { cause });
  }
}

/** fetch's `TypeError: fetch failed` says nothing; its cause (or the cause's own errors) does. */
function reasonOf(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause ?? err;
  const text = (e: unknown) => {
    const x = e as { message?: string; code?: string } | null;
    return x?.message || x?.code || String(e);
  };
  if (cause instanceof AggregateError && cause.errors.length > 0) return cause.errors.map(text).join('; ');
  return text(cause);
}

type Query = Record<string, string | number | boolean | undefined>;

const seg = encodeURIComponent;

export class EmulatorClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(baseUrl: string, options: EmulatorClientOptions = {}) {
    // Trailing slashes trimmed by a scan: /\/+$/ retries from every slash of a run that does not end
    // the string, O(n²) on "http://h" + "/" × n + "x".
    let end = baseUrl.length;
    while (end > 0 && baseUrl[end - 1] === '/') end--;
    this.baseUrl = baseUrl.slice(0, end);
    this.#token = options.controlToken;
    // Looked up per call, so a test can stub globalThis.fetch after building the client.
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * One control API call: JSON in, JSON out; 204 → undefined; non-2xx → EmulatorError; no answer →
   * EmulatorUnreachableError. `operation` names the method in errors (`orgs.get` → `EmulatorClient.orgs.get`).
   */
  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown; operation?: string } = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) params.set(k, String(v));
    const search = params.toString() ? `?${params}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    // No content-type without a body: Fastify refuses an empty body declared as JSON.
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.baseUrl}/_mock${path}${search}`;
    const operation = `EmulatorClient.${options.operation ?? 'request'}`;
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      text = await res.text();
    } catch (err) {
      throw new EmulatorUnreachableError(operation, method, url, err);
    }
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (a proxy's error page): kept as text
    }
    if (!res.ok) throw new EmulatorError(res.status, body, method, url, operation);
    return (res.status === 204 ? undefined : body) as T;
  }

  /**
   * Polls GET /_mock/health (every `intervalMs`, default 100) until it answers 200, for a server that is
   * still starting; rejects after `timeoutMs` (default 30000) with the last problem seen.
   */
  async waitUntilReady({ timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {}): Promise<HealthT> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let problem: Error;
      try {
        return await this.request<HealthT>('GET', '/health', { operation: 'waitUntilReady' });
      } catch (err) {
        problem = err as Error;
      }
      if (Date.now() + intervalMs > deadline) {
        throw new Error(`EmulatorClient.waitUntilReady: ${this.baseUrl} was not ready within ${timeoutMs} ms; last: ${problem.message}`, { cause: problem });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  health(): Promise<HealthT> {
    return this.request('GET', '/health', { operation: 'health' });
  }

  /** Deletes every organization and restarts time, the ticker and rate limits. */
  resetAll(): Promise<void> {
    return this.request('POST', '/reset', { operation: 'resetAll' });
  }

  readonly orgs = {
    list: (): Promise<OrgList> => this.request('GET', '/orgs', { operation: 'orgs.list' }),
    create: (body: OrgCreateT): Promise<OrgResponseT> => this.request('POST', '/orgs', { operation: 'orgs.create', body }),
    get: (org: string): Promise<OrgResponseT> => this.request('GET', `/orgs/${seg(org)}`, { operation: 'orgs.get' }),
    delete: (org: string): Promise<void> => this.request('DELETE', `/orgs/${seg(org)}`, { operation: 'orgs.delete' }),
    reset: (org: string): Promise<OrgResponseT> => this.request('POST', `/orgs/${seg(org)}/reset`, { operation: 'orgs.reset' }),
    snapshot: (org: string): Promise<DatasetT> => this.request('GET', `/orgs/${seg(org)}/snapshot`, { operation: 'orgs.snapshot' }),
    restore: (org: string, dataset: DatasetT): Promise<OrgResponseT> => this.request('PUT', `/orgs/${seg(org)}/snapshot`, { operation: 'orgs.restore', body: dataset }),
    /** An organization's own clock; `reset()` makes it follow the default clock again. */
    clock: (org: string) => ({ ...this.#clockAt(`/orgs/${seg(org)}/clock`, 'orgs.clock'), reset: (): Promise<ClockResponseT> => this.request('DELETE', `/orgs/${seg(org)}/clock`, { operation: 'orgs.clock.reset' }) }),
  };

  /** The process default clock. */
  readonly clock = this.#clockAt('/clock', 'clock');

  #clockAt(path: string, name: string) {
    return {
      get: (): Promise<ClockResponseT> => this.request('GET', path, { operation: `${name}.get` }),
      set: (body: ClockUpdateT): Promise<ClockResponseT> => this.request('PUT', path, { operation: `${name}.set`, body }),
      /** By "7d", "90m", "1h30m", "250ms" or a number of milliseconds. */
      advance: (by: ClockAdvanceT['by']): Promise<ClockResponseT> => this.request('POST', `${path}/advance`, { operation: `${name}.advance`, body: { by } }),
    };
  }

  /** Background jobs (Close bulk actions of every kind; `list({ kind })` filters); `org` tells apart a job id two organizations share. */
  readonly jobs = {
    list: (filter: JobListFilter = {}): Promise<JobList> => this.request('GET', '/jobs', { operation: 'jobs.list', query: filter }),
    get: (id: string, { org }: { org?: string } = {}): Promise<ControlJobT> => this.request('GET', `/jobs/${seg(id)}`, { operation: 'jobs.get', query: { org } }),
    step: (id: string, { ticks, org }: { ticks?: number; org?: string } = {}): Promise<ControlJobT> =>
      this.request('POST', `/jobs/${seg(id)}/step`, { operation: 'jobs.step', query: { org }, body: ticks === undefined ? {} : { ticks } }),
    run: (id: string, { org }: { org?: string } = {}): Promise<ControlJobT> => this.request('POST', `/jobs/${seg(id)}/run`, { operation: 'jobs.run', query: { org } }),
    /** As Close's PUT {"status": "paused"}; EmulatorError 409 when the job cannot pause. */
    pause: (id: string, { org }: { org?: string } = {}): Promise<ControlJobT> => this.request('POST', `/jobs/${seg(id)}/pause`, { operation: 'jobs.pause', query: { org } }),
    /** As Close's PUT {"status": "resuming"} (within 7 days of its clock); EmulatorError 409 when refused. */
    resume: (id: string, { org }: { org?: string } = {}): Promise<ControlJobT> => this.request('POST', `/jobs/${seg(id)}/resume`, { operation: 'jobs.resume', query: { org } }),
    fail: (id: string, reason?: string, { org }: { org?: string } = {}): Promise<ControlJobT> =>
      this.request('POST', `/jobs/${seg(id)}/fail`, { operation: 'jobs.fail', query: { org }, body: reason === undefined ? {} : { reason } }),
    /** Long-polls until the job has `status` (default done); EmulatorError 408 on timeout, 409 when it never can. */
    wait: (id: string, { status, timeoutMs, org }: { status?: Static<typeof JobWaitQuery>['status']; timeoutMs?: number; org?: string } = {}): Promise<ControlJobT> =>
      this.request('GET', `/jobs/${seg(id)}/wait`, { operation: 'jobs.wait', query: { status, timeout_ms: timeoutMs, org } }),
  };

  readonly ticker = {
    get: (): Promise<TickerT> => this.request('GET', '/ticker', { operation: 'ticker.get' }),
    set: (body: TickerUpdateT): Promise<TickerT> => this.request('PUT', '/ticker', { operation: 'ticker.set', body }),
  };

  readonly rateLimit = {
    get: (org: string): Promise<RateLimitResponseT> => this.request('GET', `/orgs/${seg(org)}/rate-limit`, { operation: 'rateLimit.get' }),
    set: (org: string, body: RateLimitUpdateT): Promise<RateLimitResponseT> => this.request('PUT', `/orgs/${seg(org)}/rate-limit`, { operation: 'rateLimit.set', body }),
    /** Back to the process setting (RATE_LIMIT). */
    clear: (org: string): Promise<RateLimitResponseT> => this.request('DELETE', `/orgs/${seg(org)}/rate-limit`, { operation: 'rateLimit.clear' }),
  };

  /** What the vendors would have emailed, oldest first. */
  readonly outbox = {
    list: ({ org }: { org?: string } = {}): Promise<OutboxList> => this.request('GET', '/outbox', { operation: 'outbox.list', query: { org } }),
    clear: ({ org }: { org?: string } = {}): Promise<void> => this.request('DELETE', '/outbox', { operation: 'outbox.clear', query: { org } }),
  };

  readonly faults = {
    list: (): Promise<FaultList> => this.request('GET', '/faults', { operation: 'faults.list' }),
    add: (rule: FaultRuleInput): Promise<FaultRule> => this.request('POST', '/faults', { operation: 'faults.add', body: rule }),
    remove: (id: string): Promise<void> => this.request('DELETE', `/faults/${seg(id)}`, { operation: 'faults.remove' }),
    clear: (): Promise<void> => this.request('DELETE', '/faults', { operation: 'faults.clear' }),
  };

  /** Close webhook deliveries: the queue (newest first), a flush of what is due on each organization's clock, a redelivery, a hold. */
  readonly webhooks = {
    deliveries: (filter: WebhookDeliveryFilter = {}): Promise<WebhookDeliveryList> => this.request('GET', '/webhooks/deliveries', { operation: 'webhooks.deliveries', query: { ...filter } }),
    /** Sends every delivery due now; resolves when those attempts are over. */
    flush: ({ org }: { org?: string } = {}): Promise<WebhookFlushCounts> => this.request('POST', '/webhooks/flush', { operation: 'webhooks.flush', body: org === undefined ? {} : { org } }),
    redeliver: (id: string, { org }: { org?: string } = {}): Promise<WebhookDelivery> =>
      this.request('POST', `/webhooks/deliveries/${seg(id)}/redeliver`, { operation: 'webhooks.redeliver', query: { org } }),
    settings: {
      get: (): Promise<WebhookSettings> => this.request('GET', '/webhooks/settings', { operation: 'webhooks.settings.get' }),
      set: (patch: WebhookSettingsPatch): Promise<WebhookSettings> => this.request('PUT', '/webhooks/settings', { operation: 'webhooks.settings.set', body: patch }),
    },
  };

  /**
   * BlueAI sign-in: `addMember` makes a member who signs in with a password to that organization
   * (its e-mail then reaches it, whatever organization the seed's members sign in to); sessions listed
   * (`expired` on the organization's clock) and revoked.
   */
  readonly blueai = {
    addMember: (org: string, body: BlueAIMemberInput): Promise<BlueAIMember> => this.request('POST', `/orgs/${seg(org)}/blueai/members`, { body }),
    sessions: (org: string): Promise<BlueAISessionList> => this.request('GET', `/orgs/${seg(org)}/blueai/sessions`),
    revokeSession: (org: string, id: string): Promise<void> => this.request('DELETE', `/orgs/${seg(org)}/blueai/sessions/${seg(id)}`),
  };

  /** The request journal, newest first; `total` counts every match, `data` holds at most `limit`. */
  readonly requests = {
    list: (filter: RequestFilter & { limit?: number } = {}): Promise<RequestList> => this.request('GET', '/requests', { operation: 'requests.list', query: { ...filter } }),
    count: async (filter: RequestFilter = {}): Promise<number> => (await this.request<{ count: number }>('GET', '/requests/count', { operation: 'requests.count', query: { ...filter } })).count,
    clear: (filter: RequestFilter = {}): Promise<void> => this.request('DELETE', '/requests', { operation: 'requests.clear', query: { ...filter } }),
  };

  openapi(surface: OpenApiSurface): Promise<OpenApiDocument> {
    return this.request('GET', `/openapi/${seg(surface)}.json`, { operation: 'openapi' });
  }
}
