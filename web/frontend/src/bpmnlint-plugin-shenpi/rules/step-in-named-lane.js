const { is, isAny } = require('bpmnlint-utils');

// Every user task sits in a lane named after its post or "部门/岗位" (bpmn_validation._check_lanes).
module.exports = function() {
  function check(node, reporter) {
    if (!is(node, 'bpmn:Process')) return;
    const laneOf = new Map();
    const walk = (laneSet) => ((laneSet && laneSet.lanes) || []).forEach((lane) => {
      (lane.flowNodeRef || []).forEach((ref) => laneOf.set(ref, lane));
      walk(lane.childLaneSet);
    });
    (node.laneSets || []).forEach(walk);
    (node.flowElements || []).forEach((element) => {
      if (!isAny(element, [ 'bpmn:UserTask', 'bpmn:ManualTask' ])) return;
      const lane = laneOf.get(element);
      if (!lane) reporter.report(element.id, 'Step is in no lane: put it in the lane of who handles it');
      else if (!(lane.name || '').trim()) reporter.report(lane.id, 'Lane has no name: choose its department and post');
    });
  }
  return { check };
};
