// bpmnlint rules mirroring what the engine refuses at deploy (engine/definitions/bpmn_validation.py). Messages are
// English keys; the modeler's translate module shows them in the user's language.
module.exports = {
  configs: {
    recommended: {
      rules: {
        'supported-elements': 'error',
        'step-in-named-lane': 'error',
        'end-event-outcome': 'error',
        'timer-expression': 'error',
        'reserved-id': 'error'
      }
    }
  }
};
