const { is } = require('bpmnlint-utils');

// A timer is a quoted ISO 8601 value, or working_days(N) / working_hours(N) in a date timer
// (bpmn_validation._check_timer).
const WORKING = /^working_(days|hours)\(\s*\d+(\.\d+)?\s*\)$/;
const QUOTED = /^(["']).*\1$/;

module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:TimerEventDefinition')) return;
    const owner = node.$parent;
    const date = node.timeDate && (node.timeDate.body || '').trim();
    const duration = node.timeDuration && (node.timeDuration.body || '').trim();
    const cycle = node.timeCycle && (node.timeCycle.body || '').trim();
    const text = date || duration || cycle;
    if (!text) {
      reporter.report(owner.id, 'Timer has no time: set it in the properties panel');
    } else if (WORKING.test(text)) {
      if (!date) reporter.report(owner.id, 'working_days(N) and working_hours(N) belong in a date timer');
    } else if (!QUOTED.test(text)) {
      reporter.report(owner.id, 'Timer expression is not one the engine reads');
    }
  }
  return { check };
};
