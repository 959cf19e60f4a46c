const { is } = require('bpmnlint-utils');

// An end event says what the case ends as (engine/definitions/outcomes.py): shenpi:outcome, else its name, else (in
// files written before the property) its id.
const OUTCOMES = [ 'approved', 'denied', 'refused', 'terminated', 'branch' ];
const NAMES = [ '不予受理', '不予许可', '不予批准', '准予', '终止' ];
const IDS = [ 'approved', 'denied', 'refused', 'terminated' ];

module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:EndEvent') || !is(node.$parent, 'bpmn:Process')) return;
    if ((node.eventDefinitions || []).some((definition) => is(definition, 'bpmn:TerminateEventDefinition'))) return;
    const declared = node.get('shenpi:outcome');
    if (declared) {
      if (!OUTCOMES.includes(declared)) reporter.report(node.id, 'Unknown case outcome');
      return;
    }
    const name = node.name || '';
    const id = (node.id || '').toLowerCase();
    if (NAMES.some((word) => name.includes(word)) || id.startsWith('end_branch') || IDS.some((word) => id.includes(word))) {
      return;
    }
    reporter.report(node.id, 'End event does not say the case outcome: choose it in the properties panel');
  }
  return { check };
};
