const { is, isAny } = require('bpmnlint-utils');

// Elements the engine does not run (bpmn_validation.UNSUPPORTED_REASONS).
// A service task runs with a connector (camunda:connector), which the engine checks at deploy.
const UNSUPPORTED = [
  [ 'bpmn:BusinessRuleTask', 'Business rule tasks are not run by the engine' ],
  [ 'bpmn:Transaction', 'Transactions are not run by the engine' ],
  [ 'bpmn:AdHocSubProcess', 'Ad-hoc sub-processes are not run by the engine' ],
  [ 'bpmn:ComplexGateway', 'Complex gateways are not run by the engine' ]
];
const UNSUPPORTED_EVENTS = [
  [ 'bpmn:ConditionalEventDefinition', 'Conditional events are not run by the engine' ],
  [ 'bpmn:CompensateEventDefinition', 'Compensation is not run by the engine' ],
  [ 'bpmn:LinkEventDefinition', 'Link events are not run by the engine' ],
  [ 'bpmn:CancelEventDefinition', 'Transactions are not run by the engine' ]
];

module.exports = function() {
  function check(node, reporter) {
    const element = UNSUPPORTED.find(([ type ]) => is(node, type));
    if (element) {
      reporter.report(node.id, element[1]);
      return;
    }
    if (isAny(node, [ 'bpmn:Event' ])) {
      (node.eventDefinitions || []).forEach((definition) => {
        const event = UNSUPPORTED_EVENTS.find(([ type ]) => is(definition, type));
        if (event) reporter.report(node.id, event[1]);
      });
    }
  }
  return { check };
};
