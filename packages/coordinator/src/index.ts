/**
 * `@eddy/coordinator`: Eddy's JobManager — job lifecycle, scheduling, worker registry and,
 * as the roadmap proceeds, the checkpoint coordinator and leader election.
 */
export { startCoordinator, type CoordinatorHandle, type CoordinatorOptions } from './coordinator.js';
