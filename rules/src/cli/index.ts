/** The CLI's building blocks, shared with the language server so both lint the same way. */
export { createZeroConfig, DEFAULT_IGNORES, LINTED_FILES } from './zero-config';
export { findConfigFile, main } from './main';
