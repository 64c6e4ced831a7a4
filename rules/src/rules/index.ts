// Generated file, DO NOT edit: `npm run generate` writes it from the files in this folder.
import noLeakyTimeout from './no-leaky-timeout';

export const rules = {
  'no-leaky-timeout': noLeakyTimeout,
};
