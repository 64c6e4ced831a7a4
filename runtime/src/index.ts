export { TimeoutError } from './errors.js';
export { sleep } from './sleep.js';
export { timeout } from './timeout.js';
