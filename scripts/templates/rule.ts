import { createRule } from '../util/create-rule';

export type Options = [{ checkSomething?: boolean }];
export type MessageId = 'hazard';

export default createRule<Options, MessageId>({
  name: 'RULE_ID',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow ...',
      recommended: 'error',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkSomething: { type: 'boolean', description: 'What turning this on adds.' },
        },
      },
    ],
    messages: {
      hazard: 'What happened, why it matters, and what to do.',
    },
  },
  defaultOptions: [{ checkSomething: true }],
  create(_context, [_options]) {
    return {};
  },
});
