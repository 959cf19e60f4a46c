// Ids the engine reserves for its own task specs (bpmn_validation.RESERVED_IDS).
const RESERVED = [ 'Start', 'End', 'Root' ];

module.exports = function() {
  function check(node, reporter) {
    if (node.id && RESERVED.includes(node.id) && node.$type && node.$type.startsWith('bpmn:')) {
      reporter.report(node.id, 'This id is reserved by the engine: rename the element');
    }
  }
  return { check };
};
