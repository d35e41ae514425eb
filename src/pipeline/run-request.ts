/** What started a run. */
export type Trigger = 'manual' | 'schedule' | 'file' | 'http' | 'demo';

/**
 * A request for a pipeline run, as every trigger makes it (a file arriving, a schedule firing, an
 * HTTP call, a person): the executor of `silt serve` persists it before it says yes, so a request
 * made is a run made, across crashes and restarts.
 */
/** Table maintenance a schedule or a person can ask the executor for. */
export type MaintenanceTask = 'vacuum' | 'check' | 'maintain';

export interface RunRequest {
  /** Steps or tables, as `silt run --select` takes them; none is the whole pipeline. */
  select?: string[];
  trigger: Trigger;
  /** A maintenance task to run instead of pipeline steps (then `select` names its tables, if any). */
  task?: MaintenanceTask;
  /**
   * At most one run is ever made per key (a schedule's fire time, a batch of landed files): the
   * same request made again after a crash finds its run instead of making another.
   */
  dedupeKey?: string;
  /** What started it, in words for people: the files, the schedule, the caller. */
  reason?: string;
}

export interface RunRequested {
  jobId: string;
  /** False when the request joined a run already queued (same selection, not yet started) or met its dedupe key. */
  created: boolean;
}

/** Where triggers send their requests; the server's executor is one. */
export interface RunRequester {
  request(r: RunRequest): Promise<RunRequested>;
}
