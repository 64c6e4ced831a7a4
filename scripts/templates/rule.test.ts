import rule from '../../rules/src/rules/RULE_ID';
import { syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('RULE_ID', rule, {
  valid: [],
  invalid: [],
});

typedTester.run('RULE_ID (typed)', rule, {
  valid: [],
  invalid: [],
});
