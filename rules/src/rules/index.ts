// Generated file, DO NOT edit: `npm run generate` writes it from the files in this folder.
import noAbortListenerLeak from './no-abort-listener-leak';
import noAbruptExit from './no-abrupt-exit';
import noAsyncInterval from './no-async-interval';
import noIgnoredBackpressure from './no-ignored-backpressure';
import noLeakyTimeout from './no-leaky-timeout';
import noRaceLeak from './no-race-leak';
import noUnboundedConcurrency from './no-unbounded-concurrency';
import noUnboundedQueue from './no-unbounded-queue';
import noUnsafeRace from './no-unsafe-race';
import noUntrackedTask from './no-untracked-task';
import requireBackoff from './require-backoff';
import requireGracefulShutdown from './require-graceful-shutdown';
import requireShutdownTimeout from './require-shutdown-timeout';
import requireSignalPropagation from './require-signal-propagation';

export const rules = {
  'no-abort-listener-leak': noAbortListenerLeak,
  'no-abrupt-exit': noAbruptExit,
  'no-async-interval': noAsyncInterval,
  'no-ignored-backpressure': noIgnoredBackpressure,
  'no-leaky-timeout': noLeakyTimeout,
  'no-race-leak': noRaceLeak,
  'no-unbounded-concurrency': noUnboundedConcurrency,
  'no-unbounded-queue': noUnboundedQueue,
  'no-unsafe-race': noUnsafeRace,
  'no-untracked-task': noUntrackedTask,
  'require-backoff': requireBackoff,
  'require-graceful-shutdown': requireGracefulShutdown,
  'require-shutdown-timeout': requireShutdownTimeout,
  'require-signal-propagation': requireSignalPropagation,
};
